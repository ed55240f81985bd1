// CHDF5: the part of the libhdf5 C API the HDF5 Swift module uses.
//
// libhdf5 is linked statically from libhdf5-dev's archive (see Package.swift for why); every call
// below wraps one libhdf5 function. This header does not include <hdf5.h> (so that modules
// importing the Swift wrapper need no HDF5 include path): it declares the identifier types and the
// constants used, with the values of HDF5 >= 1.10; chdf5.c checks each one against <hdf5.h> at
// compile time.
#ifndef CHDF5_H
#define CHDF5_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef H5public_H
typedef int64_t hid_t;
typedef unsigned long long hsize_t;
typedef int herr_t;
typedef int htri_t;
#endif

// Object, dataspace and datatype classes, index and order constants used by the Swift module
// (macros, so that Swift imports them as Int32 like the functions' results).
#define CHDF5_I_GROUP 2
#define CHDF5_I_DATASET 5
#define CHDF5_INDEX_NAME 0
#define CHDF5_ITER_INC 0
#define CHDF5_S_SCALAR 0
#define CHDF5_S_SIMPLE 1
#define CHDF5_S_NULL 2
#define CHDF5_T_INTEGER 0
#define CHDF5_T_FLOAT 1
#define CHDF5_T_TIME 2
#define CHDF5_T_STRING 3
#define CHDF5_T_BITFIELD 4
#define CHDF5_T_OPAQUE 5
#define CHDF5_T_COMPOUND 6
#define CHDF5_T_REFERENCE 7
#define CHDF5_T_ENUM 8
#define CHDF5_T_VLEN 9
#define CHDF5_T_ARRAY 10
#define CHDF5_T_SGN_2 1
#define CHDF5_T_STR_SPACEPAD 2

/// Initialises libhdf5 once (thread-safe): NULL when it is ready, else a one-line reason.
const char *chdf5_load(void);

/// The identifiers HDF5 defines as macros over global variables (valid once initialised).
hid_t chdf5_native_double(void);
hid_t chdf5_native_float(void);
hid_t chdf5_native_int64(void);
hid_t chdf5_c_s1(void);
static inline size_t chdf5_variable_size(void) { return (size_t)-1; }  // H5T_VARIABLE
static inline hid_t chdf5_default_plist(void) { return 0; }            // H5P_DEFAULT
static inline hid_t chdf5_all_space(void) { return 0; }                // H5S_ALL

/// Turns off HDF5's automatic error-stack printing: the Swift side reports errors itself.
herr_t chdf5_silence_errors(void);
/// Opens an HDF5 file read-only with the given file-access property list (H5P_DEFAULT allowed).
hid_t chdf5_open_readonly(const char *path, hid_t fapl);
/// A file-access property list that serves `count` bytes from memory (core driver, no backing
/// store; HDF5 copies the bytes). Negative on failure.
hid_t chdf5_image_fapl(const void *bytes, size_t count);
/// Number of attributes on an open object, or -1.
int64_t chdf5_attribute_count(hid_t object);
/// Number of links in an open group, or -1.
int64_t chdf5_link_count(hid_t group);

// One wrapper per libhdf5 function, same arguments (enums as int).
herr_t chdf5_H5Fclose(hid_t file);
herr_t chdf5_H5Pclose(hid_t plist);
htri_t chdf5_H5Lexists(hid_t loc, const char *name, hid_t lapl);
htri_t chdf5_H5Oexists_by_name(hid_t loc, const char *name, hid_t lapl);
hid_t chdf5_H5Oopen(hid_t loc, const char *name, hid_t lapl);
herr_t chdf5_H5Oclose(hid_t object);
int chdf5_H5Iget_type(hid_t id);
ssize_t chdf5_H5Lget_name_by_idx(hid_t loc, const char *group, int index_type, int order, hsize_t n, char *name,
                                 size_t size, hid_t lapl);
ssize_t chdf5_H5Aget_name_by_idx(hid_t loc, const char *object, int index_type, int order, hsize_t n, char *name,
                                 size_t size, hid_t lapl);
htri_t chdf5_H5Aexists_by_name(hid_t loc, const char *object, const char *attribute, hid_t lapl);
hid_t chdf5_H5Aopen_by_name(hid_t loc, const char *object, const char *attribute, hid_t aapl, hid_t lapl);
herr_t chdf5_H5Aclose(hid_t attribute);
hid_t chdf5_H5Aget_type(hid_t attribute);
hid_t chdf5_H5Aget_space(hid_t attribute);
herr_t chdf5_H5Aread(hid_t attribute, hid_t memory_type, void *buffer);
hid_t chdf5_H5Dget_type(hid_t dataset);
hid_t chdf5_H5Dget_space(hid_t dataset);
herr_t chdf5_H5Dread(hid_t dataset, hid_t memory_type, hid_t memory_space, hid_t file_space, hid_t plist, void *buffer);
int chdf5_H5Sget_simple_extent_type(hid_t space);
int chdf5_H5Sget_simple_extent_ndims(hid_t space);
int chdf5_H5Sget_simple_extent_dims(hid_t space, hsize_t *dims, hsize_t *maxdims);
herr_t chdf5_H5Sclose(hid_t space);
int chdf5_H5Tget_class(hid_t type);
size_t chdf5_H5Tget_size(hid_t type);
int chdf5_H5Tget_sign(hid_t type);
htri_t chdf5_H5Tis_variable_str(hid_t type);
hid_t chdf5_H5Tcopy(hid_t type);
herr_t chdf5_H5Tset_size(hid_t type, size_t size);
int chdf5_H5Tget_cset(hid_t type);
herr_t chdf5_H5Tset_cset(hid_t type, int cset);
int chdf5_H5Tget_strpad(hid_t type);
herr_t chdf5_H5Tclose(hid_t type);
htri_t chdf5_H5Tequal(hid_t a, hid_t b);
herr_t chdf5_H5free_memory(void *memory);

#endif
