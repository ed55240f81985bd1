// CXRT: fpgarun's C API over XRT (cxrt_shim.h), with XRT loaded on first use.
//
// The C++ shim that calls XRT (Sources/CXRTShim) is built as its own shared library,
// libFPGARunXRT.so, which links libxrt_coreutil (and through it Boost, libudev, libuuid). Linking it
// into fpgarun cost every command ~2 ms of start-up (a 16-sample predict 26.4 -> 24.2 ms, medians
// of 31 interleaved runs) and made the binary refuse to start on a host without XRT. Each function
// here loads that library once (thread-safe), then forwards to its function of the same name; when
// it cannot be loaded, every call fails with CXRT_XRT_MISSING and the loader's message, like a host
// without XRT's driver library.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cxrt_shim.h"

#define CXRT_LIBRARY "libFPGARunXRT.so"

// Every function of cxrt_shim.h: INT(name, parameters, arguments) returns a cxrt_status, VOID(...)
// frees a handle (which exists only once the library is loaded).
#define CXRT_FUNCTIONS(INT, VOID) \
    INT(cxrt_probe, (char *lib, size_t lib_cap, char *msg, size_t msg_cap), (lib, lib_cap, msg, msg_cap)) \
    INT(cxrt_device_count, (uint32_t *count, char *msg, size_t msg_cap), (count, msg, msg_cap)) \
    INT(cxrt_device_open_index, (uint32_t index, cxrt_device **out, char *msg, size_t msg_cap), (index, out, msg, msg_cap)) \
    INT(cxrt_device_open_bdf, (const char *bdf, cxrt_device **out, char *msg, size_t msg_cap), (bdf, out, msg, msg_cap)) \
    INT(cxrt_device_info, (cxrt_device *dev, int key, char *buf, size_t buf_cap, char *msg, size_t msg_cap), (dev, key, buf, buf_cap, msg, msg_cap)) \
    INT(cxrt_device_load_xclbin, (cxrt_device *dev, const char *path, uint8_t uuid[16], char *msg, size_t msg_cap), (dev, path, uuid, msg, msg_cap)) \
    INT(cxrt_device_xclbin_uuid, (cxrt_device *dev, uint8_t uuid[16], char *msg, size_t msg_cap), (dev, uuid, msg, msg_cap)) \
    VOID(cxrt_device_close, (cxrt_device *dev), (dev)) \
    INT(cxrt_kernel_open, (cxrt_device *dev, const uint8_t uuid[16], const char *name, cxrt_kernel **out, char *msg, size_t msg_cap), (dev, uuid, name, out, msg, msg_cap)) \
    INT(cxrt_kernel_group_id, (cxrt_kernel *k, int arg, int32_t *group, char *msg, size_t msg_cap), (k, arg, group, msg, msg_cap)) \
    VOID(cxrt_kernel_close, (cxrt_kernel *k), (k)) \
    INT(cxrt_bo_alloc, (cxrt_device *dev, size_t size, uint32_t group, cxrt_bo **out, char *msg, size_t msg_cap), (dev, size, group, out, msg, msg_cap)) \
    INT(cxrt_bo_map, (cxrt_bo *bo, void **host, char *msg, size_t msg_cap), (bo, host, msg, msg_cap)) \
    INT(cxrt_bo_address, (cxrt_bo *bo, uint64_t *address, char *msg, size_t msg_cap), (bo, address, msg, msg_cap)) \
    INT(cxrt_bo_sync, (cxrt_bo *bo, int direction, size_t size, size_t offset, char *msg, size_t msg_cap), (bo, direction, size, offset, msg, msg_cap)) \
    VOID(cxrt_bo_free, (cxrt_bo *bo), (bo)) \
    INT(cxrt_run_create, (cxrt_kernel *k, cxrt_run **out, char *msg, size_t msg_cap), (k, out, msg, msg_cap)) \
    INT(cxrt_run_set_arg_bo, (cxrt_run *r, int index, cxrt_bo *bo, char *msg, size_t msg_cap), (r, index, bo, msg, msg_cap)) \
    INT(cxrt_run_set_arg_u32, (cxrt_run *r, int index, uint32_t value, char *msg, size_t msg_cap), (r, index, value, msg, msg_cap)) \
    INT(cxrt_run_start, (cxrt_run *r, char *msg, size_t msg_cap), (r, msg, msg_cap)) \
    INT(cxrt_run_wait, (cxrt_run *r, uint32_t timeout_ms, int *state, char *msg, size_t msg_cap), (r, timeout_ms, state, msg, msg_cap)) \
    VOID(cxrt_run_close, (cxrt_run *r), (r))

static struct {
#define FIELD(name, params, args) __typeof__(&name) name;
    CXRT_FUNCTIONS(FIELD, FIELD)
#undef FIELD
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char failure[768];

// Opens `path`; on failure keeps the first loader message (the most telling: later candidates are
// fallbacks that are usually just absent).
static void *try_open(const char *path) {
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library && !failure[0]) snprintf(failure, sizeof failure, "%s", dlerror());
    return library;
}

static void load(void) {
    void *library = NULL;
    // $FPGARUN_XRT_SHIM, when set, is the only library tried; else the one beside the executable
    // (a build folder), in ../lib (an installed prefix), then the loader's search path.
    const char *chosen = getenv("FPGARUN_XRT_SHIM");
    if (chosen && *chosen) {
        library = try_open(chosen);
    } else {
        char exe[PATH_MAX], path[PATH_MAX + 32];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        char *slash = n > 0 ? (exe[n] = 0, strrchr(exe, '/')) : NULL;
        if (slash) {
            *slash = 0;
            snprintf(path, sizeof path, "%s/%s", exe, CXRT_LIBRARY);
            library = try_open(path);
            if (!library) {
                snprintf(path, sizeof path, "%s/../lib/%s", exe, CXRT_LIBRARY);
                library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
            }
        }
        if (!library) library = dlopen(CXRT_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    }
    if (!library) {
        char reason[sizeof failure];
        snprintf(reason, sizeof reason, "%s", failure);
        snprintf(failure, sizeof failure,
                 "cannot load fpgarun's XRT support (%s): it needs XRT (Debian: apt-get install libxrt-dev) "
                 "and " CXRT_LIBRARY " beside the fpgarun binary", reason);
        return;
    }
#define RESOLVE(name, params, args)                                                                  \
    if (!(api.name = (__typeof__(api.name))dlsym(library, #name))) {                                 \
        snprintf(failure, sizeof failure, "fpgarun's XRT support library lacks %s (a stale build?)", #name); \
        return;                                                                                      \
    }
    CXRT_FUNCTIONS(RESOLVE, RESOLVE)
#undef RESOLVE
    loaded = 1;
}

static int ready(char *msg, size_t msg_cap) {
    pthread_once(&once, load);
    if (!loaded && msg && msg_cap > 0) snprintf(msg, msg_cap, "%s", failure);
    return loaded;
}

#define FORWARD_INT(name, params, args) \
    int name params { return ready(msg, msg_cap) ? api.name args : CXRT_XRT_MISSING; }
#define FORWARD_VOID(name, params, args) \
    void name params { if (loaded) api.name args; }
CXRT_FUNCTIONS(FORWARD_INT, FORWARD_VOID)
