// CHDF5: wrappers over the libhdf5 C API, linked statically; see include/chdf5.h.
#include <pthread.h>

#include <hdf5.h>
#include "chdf5.h"

// The Swift module stores identifiers and sizes in fixed-width Swift integers.
_Static_assert(sizeof(hid_t) == sizeof(int64_t), "hid_t must be 64-bit (HDF5 >= 1.10)");
_Static_assert(sizeof(hsize_t) == sizeof(uint64_t), "hsize_t must be 64-bit");
_Static_assert(sizeof(herr_t) == sizeof(int32_t) && sizeof(htri_t) == sizeof(int32_t), "herr_t/htri_t must be int");
_Static_assert(sizeof(long long) == sizeof(int64_t), "integer attributes are read as long long");
#if !H5_VERSION_GE(1, 10, 0)
#error "CHDF5 needs HDF5 1.10 or newer (64-bit hid_t)"
#endif

// The header's constants are HDF5's.
_Static_assert(CHDF5_I_GROUP == H5I_GROUP && CHDF5_I_DATASET == H5I_DATASET, "H5I constants");
_Static_assert(CHDF5_INDEX_NAME == H5_INDEX_NAME && CHDF5_ITER_INC == H5_ITER_INC, "H5 index constants");
_Static_assert(CHDF5_S_SCALAR == H5S_SCALAR && CHDF5_S_SIMPLE == H5S_SIMPLE && CHDF5_S_NULL == H5S_NULL, "H5S constants");
_Static_assert(CHDF5_T_INTEGER == H5T_INTEGER && CHDF5_T_FLOAT == H5T_FLOAT && CHDF5_T_TIME == H5T_TIME &&
               CHDF5_T_STRING == H5T_STRING && CHDF5_T_BITFIELD == H5T_BITFIELD && CHDF5_T_OPAQUE == H5T_OPAQUE &&
               CHDF5_T_COMPOUND == H5T_COMPOUND && CHDF5_T_REFERENCE == H5T_REFERENCE && CHDF5_T_ENUM == H5T_ENUM &&
               CHDF5_T_VLEN == H5T_VLEN && CHDF5_T_ARRAY == H5T_ARRAY, "H5T class constants");
_Static_assert(CHDF5_T_SGN_2 == H5T_SGN_2 && CHDF5_T_STR_SPACEPAD == H5T_STR_SPACEPAD, "H5T constants");
_Static_assert(H5P_DEFAULT == 0 && H5S_ALL == 0 && H5E_DEFAULT == 0 && H5T_VARIABLE == (size_t)-1, "H5 defaults");

// The identifiers HDF5's macros read from global variables after H5open().
static hid_t native_double, native_float, native_llong, c_s1, file_access_class;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;

static void load(void) {
    if (H5open() < 0) return;
    native_double = H5T_NATIVE_DOUBLE;
    native_float = H5T_NATIVE_FLOAT;
    native_llong = H5T_NATIVE_LLONG;
    c_s1 = H5T_C_S1;
    file_access_class = H5P_FILE_ACCESS;
    loaded = 1;
}

const char *chdf5_load(void) {
    pthread_once(&once, load);
    return loaded ? NULL : "libhdf5 failed to initialise (H5open)";
}

hid_t chdf5_native_double(void) { return native_double; }
hid_t chdf5_native_float(void) { return native_float; }
hid_t chdf5_native_int64(void) { return native_llong; }
hid_t chdf5_c_s1(void) { return c_s1; }

herr_t chdf5_silence_errors(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

hid_t chdf5_open_readonly(const char *path, hid_t fapl) { return H5Fopen(path, H5F_ACC_RDONLY, fapl); }

hid_t chdf5_image_fapl(const void *bytes, size_t count) {
    hid_t fapl = H5Pcreate(file_access_class);
    if (fapl < 0) return fapl;
    if (H5Pset_fapl_core(fapl, 64 * 1024, 0) < 0 || H5Pset_file_image(fapl, (void *)bytes, count) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

static herr_t count_attribute(hid_t location, const char *name, const H5A_info_t *info, void *count) {
    (void)location; (void)name; (void)info;
    *(hsize_t *)count += 1;
    return 0;
}

// H5Oget_info's signature changed across 1.10.x/1.12; attribute iteration is stable since 1.8.
int64_t chdf5_attribute_count(hid_t object) {
    hsize_t count = 0, index = 0;
    if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, count_attribute, &count) < 0) return -1;
    return (int64_t)count;
}

int64_t chdf5_link_count(hid_t group) {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) return -1;
    return (int64_t)info.nlinks;
}

herr_t chdf5_H5Fclose(hid_t file) { return H5Fclose(file); }
herr_t chdf5_H5Pclose(hid_t plist) { return H5Pclose(plist); }
htri_t chdf5_H5Lexists(hid_t loc, const char *name, hid_t lapl) { return H5Lexists(loc, name, lapl); }
htri_t chdf5_H5Oexists_by_name(hid_t loc, const char *name, hid_t lapl) { return H5Oexists_by_name(loc, name, lapl); }
hid_t chdf5_H5Oopen(hid_t loc, const char *name, hid_t lapl) { return H5Oopen(loc, name, lapl); }
herr_t chdf5_H5Oclose(hid_t object) { return H5Oclose(object); }
int chdf5_H5Iget_type(hid_t id) { return H5Iget_type(id); }
ssize_t chdf5_H5Lget_name_by_idx(hid_t loc, const char *group, int index_type, int order, hsize_t n, char *name,
                                 size_t size, hid_t lapl) {
    return H5Lget_name_by_idx(loc, group, (H5_index_t)index_type, (H5_iter_order_t)order, n, name, size, lapl);
}
ssize_t chdf5_H5Aget_name_by_idx(hid_t loc, const char *object, int index_type, int order, hsize_t n, char *name,
                                 size_t size, hid_t lapl) {
    return H5Aget_name_by_idx(loc, object, (H5_index_t)index_type, (H5_iter_order_t)order, n, name, size, lapl);
}
htri_t chdf5_H5Aexists_by_name(hid_t loc, const char *object, const char *attribute, hid_t lapl) {
    return H5Aexists_by_name(loc, object, attribute, lapl);
}
hid_t chdf5_H5Aopen_by_name(hid_t loc, const char *object, const char *attribute, hid_t aapl, hid_t lapl) {
    return H5Aopen_by_name(loc, object, attribute, aapl, lapl);
}
herr_t chdf5_H5Aclose(hid_t attribute) { return H5Aclose(attribute); }
hid_t chdf5_H5Aget_type(hid_t attribute) { return H5Aget_type(attribute); }
hid_t chdf5_H5Aget_space(hid_t attribute) { return H5Aget_space(attribute); }
herr_t chdf5_H5Aread(hid_t attribute, hid_t memory_type, void *buffer) { return H5Aread(attribute, memory_type, buffer); }
hid_t chdf5_H5Dget_type(hid_t dataset) { return H5Dget_type(dataset); }
hid_t chdf5_H5Dget_space(hid_t dataset) { return H5Dget_space(dataset); }
herr_t chdf5_H5Dread(hid_t dataset, hid_t memory_type, hid_t memory_space, hid_t file_space, hid_t plist, void *buffer) {
    return H5Dread(dataset, memory_type, memory_space, file_space, plist, buffer);
}
int chdf5_H5Sget_simple_extent_type(hid_t space) { return H5Sget_simple_extent_type(space); }
int chdf5_H5Sget_simple_extent_ndims(hid_t space) { return H5Sget_simple_extent_ndims(space); }
int chdf5_H5Sget_simple_extent_dims(hid_t space, hsize_t *dims, hsize_t *maxdims) {
    return H5Sget_simple_extent_dims(space, dims, maxdims);
}
herr_t chdf5_H5Sclose(hid_t space) { return H5Sclose(space); }
int chdf5_H5Tget_class(hid_t type) { return H5Tget_class(type); }
size_t chdf5_H5Tget_size(hid_t type) { return H5Tget_size(type); }
int chdf5_H5Tget_sign(hid_t type) { return H5Tget_sign(type); }
htri_t chdf5_H5Tis_variable_str(hid_t type) { return H5Tis_variable_str(type); }
hid_t chdf5_H5Tcopy(hid_t type) { return H5Tcopy(type); }
herr_t chdf5_H5Tset_size(hid_t type, size_t size) { return H5Tset_size(type, size); }
int chdf5_H5Tget_cset(hid_t type) { return H5Tget_cset(type); }
herr_t chdf5_H5Tset_cset(hid_t type, int cset) { return H5Tset_cset(type, (H5T_cset_t)cset); }
int chdf5_H5Tget_strpad(hid_t type) { return H5Tget_strpad(type); }
herr_t chdf5_H5Tclose(hid_t type) { return H5Tclose(type); }
htri_t chdf5_H5Tequal(hid_t a, hid_t b) { return H5Tequal(a, b); }
herr_t chdf5_H5free_memory(void *memory) { return H5free_memory(memory); }
