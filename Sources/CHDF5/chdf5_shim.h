// CHDF5: the libhdf5 C API plus a few prefixed static-inline helpers.
//
// Why a shim: HDF5's predefined type and property-list identifiers (H5T_NATIVE_DOUBLE,
// H5P_FILE_ACCESS, H5F_ACC_RDONLY, ...) are macros that expand to function calls or casts,
// which Swift's C importer drops. Each helper below turns one of them into a callable function.
// Only the HDF5 Swift module uses this; nothing here appears in a public Swift API.
#ifndef CHDF5_SHIM_H
#define CHDF5_SHIM_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

// The Swift wrapper stores identifiers and sizes in fixed-width Swift integers.
_Static_assert(sizeof(hid_t) == sizeof(int64_t), "hid_t must be 64-bit (HDF5 >= 1.10)");
_Static_assert(sizeof(hsize_t) == sizeof(uint64_t), "hsize_t must be 64-bit");
_Static_assert(sizeof(herr_t) == sizeof(int32_t), "herr_t must be a 32-bit int");
_Static_assert(sizeof(htri_t) == sizeof(int32_t), "htri_t must be a 32-bit int");
_Static_assert(sizeof(long long) == sizeof(int64_t), "integer attributes are read as long long");
_Static_assert(sizeof(double) == 8 && sizeof(float) == 4, "IEEE binary64/binary32 expected");
_Static_assert(sizeof(char *) == sizeof(void *), "variable-length strings are read as char* arrays");

#if !H5_VERSION_GE(1, 10, 0)
#error "CHDF5 needs HDF5 1.10 or newer (64-bit hid_t)"
#endif

/// Native IEEE double, the memory type for numeric reads converted to Double.
static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
/// Native IEEE float, the memory type for numeric reads converted to Float.
static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
/// Native 64-bit signed integer, the memory type for integer attributes.
static inline hid_t chdf5_native_int64(void) { return H5T_NATIVE_LLONG; }
/// The C string base type (copied and resized for string reads).
static inline hid_t chdf5_c_s1(void) { return H5T_C_S1; }
/// The "variable length" size marker for string types.
static inline size_t chdf5_variable_size(void) { return H5T_VARIABLE; }
/// H5P_DEFAULT (a cast macro).
static inline hid_t chdf5_default_plist(void) { return H5P_DEFAULT; }
/// H5S_ALL (a cast macro): whole dataspace selection.
static inline hid_t chdf5_all_space(void) { return H5S_ALL; }

/// Turns off HDF5's automatic error-stack printing: the Swift side reports errors itself.
/// (Per thread in thread-safe builds, global in serial builds: the caller repeats it per call.)
static inline herr_t chdf5_silence_errors(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/// Opens an HDF5 file read-only with the given file-access property list (H5P_DEFAULT allowed).
static inline hid_t chdf5_open_readonly(const char *path, hid_t fapl) {
    return H5Fopen(path, H5F_ACC_RDONLY, fapl);
}

/// A file-access property list that serves `count` bytes from memory (core driver, no backing
/// store). HDF5 copies the bytes, so the caller's buffer may go away after H5Fopen.
/// Returns a negative id on failure.
static inline hid_t chdf5_image_fapl(const void *bytes, size_t count) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return fapl;
    if (H5Pset_fapl_core(fapl, 64 * 1024, 0) < 0 ||
        H5Pset_file_image(fapl, (void *)bytes, count) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

static herr_t chdf5__count_attribute(hid_t loc, const char *name, const H5A_info_t *info, void *op) {
    (void)loc; (void)name; (void)info;
    *(hsize_t *)op += 1;
    return 0;
}

/// Number of attributes on an open object, or -1. (H5Oget_info's signature changed across
/// 1.10.x/1.12; attribute iteration has been stable since 1.8.)
static inline int64_t chdf5_attribute_count(hid_t object) {
    hsize_t count = 0;
    hsize_t index = 0;
    if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, chdf5__count_attribute, &count) < 0)
        return -1;
    return (int64_t)count;
}

/// Number of links in an open group, or -1.
static inline int64_t chdf5_link_count(hid_t group) {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) return -1;
    return (int64_t)info.nlinks;
}

#endif
