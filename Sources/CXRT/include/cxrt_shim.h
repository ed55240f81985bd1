// cxrt_shim.h — a small C API over XRT's native C++ API (xrt::device, xrt::xclbin, xrt::kernel,
// xrt::bo, xrt::run). Swift cannot call XRT's variadic C API and a C++ exception crossing a Swift
// frame aborts the process, so every function here catches everything, returns a cxrt_status and
// writes XRT's own message into the caller's buffer (`msg`, `msg_cap` bytes, always NUL-terminated
// when msg_cap > 0; may be NULL). Handles are opaque and freed by their cxrt_*_close function.
#ifndef CXRT_SHIM_H
#define CXRT_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Result of every call.
typedef enum cxrt_status {
    CXRT_OK = 0,
    /// XRT is not usable: XILINX_XRT unset, the driver library it would load is missing, or
    /// fpgarun's XRT support library (libFPGARunXRT.so, see loader.c) cannot be loaded.
    CXRT_XRT_MISSING = 1,
    /// No device at that index / PCIe address.
    CXRT_NO_DEVICE = 2,
    /// XRT rejected the xclbin file (unreadable, not an xclbin, truncated, missing sections).
    CXRT_BAD_XCLBIN = 3,
    /// No kernel / compute unit of that name in the loaded xclbin.
    CXRT_NO_KERNEL = 4,
    /// A wait ran out of time.
    CXRT_TIMEOUT = 5,
    /// A bad argument was passed to the shim (NULL handle, out-of-range value).
    CXRT_ARGUMENT = 6,
    /// Any other XRT failure (its message is in `msg`).
    CXRT_BACKEND = 7,
} cxrt_status;

/// Run states, equal to XRT's ert_cmd_state values (checked by static_assert in the shim).
enum {
    CXRT_RUN_NEW = 1,
    CXRT_RUN_QUEUED = 2,
    CXRT_RUN_RUNNING = 3,
    CXRT_RUN_COMPLETED = 4,
    CXRT_RUN_ERROR = 5,
    CXRT_RUN_ABORT = 6,
    CXRT_RUN_SUBMITTED = 7,
    CXRT_RUN_TIMEOUT = 8,
    CXRT_RUN_NORESPONSE = 9,
};

/// Sync directions, equal to XRT's xclBOSyncDirection values.
enum {
    CXRT_SYNC_TO_DEVICE = 0,
    CXRT_SYNC_FROM_DEVICE = 1,
};

/// Device information keys for cxrt_device_info.
enum {
    CXRT_INFO_NAME = 0,
    CXRT_INFO_BDF = 1,
    CXRT_INFO_PLATFORM = 2,
};

typedef struct cxrt_device cxrt_device;
typedef struct cxrt_kernel cxrt_kernel;
typedef struct cxrt_bo cxrt_bo;
typedef struct cxrt_run cxrt_run;

/// Checks, without calling XRT, that XRT can load its driver library: XILINX_XRT is set and
/// `$XILINX_XRT/lib/libxrt_<mode>.so.2` exists (mode from XCL_EMULATION_MODE: noop → xrt_noop,
/// hw_emu → xrt_hwemu, sw_emu → xrt_swemu, otherwise xrt_core). Writes the library path it
/// checked into `lib` (may be NULL). CXRT_OK or CXRT_XRT_MISSING.
int cxrt_probe(char *lib, size_t lib_cap, char *msg, size_t msg_cap);

/// Number of devices XRT enumerates (runs cxrt_probe first).
int cxrt_device_count(uint32_t *count, char *msg, size_t msg_cap);

/// Opens device `index` (runs cxrt_probe first).
int cxrt_device_open_index(uint32_t index, cxrt_device **out, char *msg, size_t msg_cap);

/// Opens the device at PCIe address `bdf` (`dddd:bb:dd.f` or `bb:dd.f`; runs cxrt_probe first).
int cxrt_device_open_bdf(const char *bdf, cxrt_device **out, char *msg, size_t msg_cap);

/// Reads a device information string (CXRT_INFO_*) into `buf`.
int cxrt_device_info(cxrt_device *dev, int key, char *buf, size_t buf_cap, char *msg, size_t msg_cap);

/// Reads, registers and loads an xclbin file; writes its 16-byte uuid into `uuid`.
int cxrt_device_load_xclbin(cxrt_device *dev, const char *path, uint8_t uuid[16], char *msg, size_t msg_cap);

/// The uuid of the xclbin currently loaded on the device (by this process).
int cxrt_device_xclbin_uuid(cxrt_device *dev, uint8_t uuid[16], char *msg, size_t msg_cap);

/// Closes a device handle (NULL is fine).
void cxrt_device_close(cxrt_device *dev);

/// Opens kernel `name` (`name` or `name:{cu1,cu2}`) of the xclbin with `uuid` on `dev`.
int cxrt_kernel_open(cxrt_device *dev, const uint8_t uuid[16], const char *name, cxrt_kernel **out,
                     char *msg, size_t msg_cap);

/// The memory bank (group id) kernel argument `arg` is connected to.
int cxrt_kernel_group_id(cxrt_kernel *k, int arg, int32_t *group, char *msg, size_t msg_cap);

/// Closes a kernel handle (NULL is fine).
void cxrt_kernel_close(cxrt_kernel *k);

/// Allocates a `size`-byte buffer object in bank `group` on `dev`.
int cxrt_bo_alloc(cxrt_device *dev, size_t size, uint32_t group, cxrt_bo **out, char *msg, size_t msg_cap);

/// Maps the buffer's host side; `*host` stays valid until cxrt_bo_free.
int cxrt_bo_map(cxrt_bo *bo, void **host, char *msg, size_t msg_cap);

/// Device address of the buffer.
int cxrt_bo_address(cxrt_bo *bo, uint64_t *address, char *msg, size_t msg_cap);

/// Syncs `size` bytes at `offset` in direction CXRT_SYNC_*.
int cxrt_bo_sync(cxrt_bo *bo, int direction, size_t size, size_t offset, char *msg, size_t msg_cap);

/// Frees a buffer object (NULL is fine).
void cxrt_bo_free(cxrt_bo *bo);

/// Creates a run of kernel `k` (arguments then set one by one).
int cxrt_run_create(cxrt_kernel *k, cxrt_run **out, char *msg, size_t msg_cap);

/// Sets argument `index` to buffer `bo`.
int cxrt_run_set_arg_bo(cxrt_run *r, int index, cxrt_bo *bo, char *msg, size_t msg_cap);

/// Sets argument `index` to a 32-bit scalar.
int cxrt_run_set_arg_u32(cxrt_run *r, int index, uint32_t value, char *msg, size_t msg_cap);

/// Starts the run.
int cxrt_run_start(cxrt_run *r, char *msg, size_t msg_cap);

/// Waits up to `timeout_ms` (0 = forever) and writes the run's state (CXRT_RUN_*) into `state`.
/// Returns CXRT_TIMEOUT when XRT reports ERT_CMD_STATE_TIMEOUT.
int cxrt_run_wait(cxrt_run *r, uint32_t timeout_ms, int *state, char *msg, size_t msg_cap);

/// Closes a run handle (NULL is fine; does not wait).
void cxrt_run_close(cxrt_run *r);

#ifdef __cplusplus
}
#endif

#endif
