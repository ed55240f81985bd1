// shim.cpp — the extern "C" side of cxrt_shim.h. Every entry point runs its XRT calls inside
// `guarded`, which turns any exception into a status plus XRT's what() text, because an exception
// unwinding into Swift frames aborts the process.
#include "cxrt_shim.h"

#include <xrt.h>
#include <ert.h>
#include <xclbin.h>
#include <experimental/xrt_system.h>
#include <experimental/xrt_xclbin.h>
#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>
#include <xrt/xrt_uuid.h>

#include <chrono>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <vector>
#include <new>
#include <string>
#include <type_traits>
#include <unistd.h>

// ABI assumptions the Swift side relies on.
static_assert(sizeof(xuid_t) == 16, "uuid is 16 bytes");
static_assert(std::is_same<xrt::memory_group, uint32_t>::value, "memory group is uint32_t");
#define CXRT_SAME(a, b) static_assert(static_cast<int>(a) == static_cast<int>(b), #a " equals " #b)
CXRT_SAME(CXRT_SYNC_TO_DEVICE, XCL_BO_SYNC_BO_TO_DEVICE);
CXRT_SAME(CXRT_SYNC_FROM_DEVICE, XCL_BO_SYNC_BO_FROM_DEVICE);
CXRT_SAME(CXRT_RUN_NEW, ERT_CMD_STATE_NEW);
CXRT_SAME(CXRT_RUN_QUEUED, ERT_CMD_STATE_QUEUED);
CXRT_SAME(CXRT_RUN_RUNNING, ERT_CMD_STATE_RUNNING);
CXRT_SAME(CXRT_RUN_COMPLETED, ERT_CMD_STATE_COMPLETED);
CXRT_SAME(CXRT_RUN_ERROR, ERT_CMD_STATE_ERROR);
CXRT_SAME(CXRT_RUN_ABORT, ERT_CMD_STATE_ABORT);
CXRT_SAME(CXRT_RUN_SUBMITTED, ERT_CMD_STATE_SUBMITTED);
CXRT_SAME(CXRT_RUN_TIMEOUT, ERT_CMD_STATE_TIMEOUT);
CXRT_SAME(CXRT_RUN_NORESPONSE, ERT_CMD_STATE_NORESPONSE);
#undef CXRT_SAME
static_assert(offsetof(axlf, m_sections) == 456, "axlf header part is 456 bytes");
static_assert(sizeof(int) == 4, "status is a 32-bit int");

struct cxrt_device { xrt::device dev; };
struct cxrt_kernel { xrt::kernel kernel; };
struct cxrt_bo { xrt::bo bo; };
struct cxrt_run { xrt::run run; };

namespace {

void put(char *buf, size_t cap, const std::string &text) {
    if (buf == nullptr || cap == 0) return;
    size_t n = text.size() < cap - 1 ? text.size() : cap - 1;
    std::memcpy(buf, text.data(), n);
    buf[n] = '\0';
}

// Runs `body`; an exception becomes `failure` with its message (a bad_alloc or an unknown
// exception says so, since they carry no useful what()).
template <typename Body>
int guarded(int failure, char *msg, size_t msg_cap, Body body) {
    put(msg, msg_cap, "");
    try {
        return body();
    } catch (const std::bad_alloc &) {
        put(msg, msg_cap, "out of memory");
    } catch (const std::exception &e) {
        std::string text = e.what();
        // XRT messages sometimes end in a newline; the Swift side wants one line.
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        for (auto &c : text) if (c == '\n' || c == '\r') c = ' ';
        put(msg, msg_cap, text.empty() ? "XRT failed without a message" : text);
    } catch (...) {
        put(msg, msg_cap, "XRT threw a non-standard exception");
    }
    return failure;
}

int bad_argument(char *msg, size_t msg_cap, const char *what) {
    put(msg, msg_cap, what);
    return CXRT_ARGUMENT;
}

// XRT 2.13 (core/common/module_loader.cpp) dlopens $XILINX_XRT/lib/lib<name>.so.2 with the name
// chosen by XCL_EMULATION_MODE; it throws "XILINX_XRT not set" when unset.
std::string driver_library(const char *root) {
    const char *mode = std::getenv("XCL_EMULATION_MODE");
    std::string name = "xrt_core";
    if (mode != nullptr) {
        if (std::strcmp(mode, "noop") == 0) name = "xrt_noop";
        else if (std::strcmp(mode, "hw_emu") == 0) name = "xrt_hwemu";
        else if (std::strcmp(mode, "sw_emu") == 0) name = "xrt_swemu";
    }
    std::string path = root;
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path + "/lib/lib" + name + ".so.2";
}

int probe(char *lib, size_t lib_cap, char *msg, size_t msg_cap) {
    put(lib, lib_cap, "");
    put(msg, msg_cap, "");
    const char *root = std::getenv("XILINX_XRT");
    if (root == nullptr || root[0] == '\0') {
        put(msg, msg_cap, "XILINX_XRT is not set (set it to the XRT install folder, e.g. /opt/xilinx/xrt)");
        return CXRT_XRT_MISSING;
    }
    std::string path = driver_library(root);
    put(lib, lib_cap, path);
    if (::access(path.c_str(), R_OK) != 0) {
        put(msg, msg_cap, "XRT driver library " + path + " not found (XILINX_XRT=" + root + ")");
        return CXRT_XRT_MISSING;
    }
    return CXRT_OK;
}

// XRT 2.13 trusts the file: an empty file segfaults inside xrt::xclbin and a truncated one is
// accepted (its sections read past the data). So the container is checked here first: magic,
// header size, m_length against the file size, and every section inside the file.
bool read_checked_xclbin(const char *path, std::vector<char> &data, std::string &why) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = std::string("cannot open: ") + std::strerror(errno);
        return false;
    }
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
        why = "cannot read the file";
        return false;
    }
    const size_t size = data.size();
    const size_t fixed = offsetof(axlf, m_sections);
    if (size < 8 || std::memcmp(data.data(), "xclbin2", 8) != 0) {
        why = "not an xclbin (no xclbin2 magic)";
        return false;
    }
    if (size < fixed) {
        why = std::string("truncated xclbin (") + std::to_string(size) + " bytes, header needs " +
              std::to_string(fixed) + ")";
        return false;
    }
    axlf top;
    std::memcpy(&top, data.data(), fixed);
    const uint64_t length = top.m_header.m_length;
    const uint64_t count = top.m_header.m_numSections;
    if (length > size) {
        why = std::string("truncated xclbin (header says ") + std::to_string(length) + " bytes, file has " +
              std::to_string(size) + ")";
        return false;
    }
    if (count == 0 || count > XCLBIN_MAX_NUM_SECTION ||
        fixed + count * sizeof(axlf_section_header) > length) {
        why = std::string("bad xclbin (") + std::to_string(count) + " section headers do not fit in " +
              std::to_string(length) + " bytes)";
        return false;
    }
    for (uint64_t i = 0; i < count; i++) {
        axlf_section_header h;
        std::memcpy(&h, data.data() + fixed + i * sizeof(axlf_section_header), sizeof h);
        if (h.m_sectionOffset > length || h.m_sectionSize > length - h.m_sectionOffset) {
            why = std::string("truncated xclbin (section ") + std::to_string(i) + " of kind " +
                  std::to_string(h.m_sectionKind) + " ends at " +
                  std::to_string(h.m_sectionOffset + h.m_sectionSize) + ", file length " + std::to_string(length) + ")";
            return false;
        }
    }
    data.resize(length);
    return true;
}

void copy_uuid(const xrt::uuid &id, uint8_t out[16]) {
    std::memcpy(out, id.get(), 16);
}

}  // namespace

extern "C" {

// SwiftPM links the Swift driver's image-registration object (swiftrt.o) into every product, this
// C++-only library too, and its constructor calls these two Swift runtime entry points. Defined
// here as no-ops (there is no Swift code to register), the library needs no libswiftCore.so: it
// loads on a host without a Swift toolchain, and never brings a second Swift runtime into fpgarun,
// which carries its own statically. A test checks the library's NEEDED entries.
__attribute__((visibility("hidden"))) void swift_addNewDSOImage(const void *) {}
__attribute__((visibility("hidden"))) bool _swift_backtrace_isThunkFunction(const char *) { return false; }

int cxrt_probe(char *lib, size_t lib_cap, char *msg, size_t msg_cap) {
    return guarded(CXRT_XRT_MISSING, msg, msg_cap, [&]() -> int { return probe(lib, lib_cap, msg, msg_cap); });
}

int cxrt_device_count(uint32_t *count, char *msg, size_t msg_cap) {
    if (count == nullptr) return bad_argument(msg, msg_cap, "count is NULL");
    *count = 0;
    int ok = probe(nullptr, 0, msg, msg_cap);
    if (ok != CXRT_OK) return ok;
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        *count = xrt::system::enumerate_devices();
        return CXRT_OK;
    });
}

int cxrt_device_open_index(uint32_t index, cxrt_device **out, char *msg, size_t msg_cap) {
    if (out == nullptr) return bad_argument(msg, msg_cap, "out is NULL");
    *out = nullptr;
    int ok = probe(nullptr, 0, msg, msg_cap);
    if (ok != CXRT_OK) return ok;
    return guarded(CXRT_NO_DEVICE, msg, msg_cap, [&]() -> int {
        *out = new cxrt_device{xrt::device(index)};
        return CXRT_OK;
    });
}

int cxrt_device_open_bdf(const char *bdf, cxrt_device **out, char *msg, size_t msg_cap) {
    if (out == nullptr || bdf == nullptr) return bad_argument(msg, msg_cap, "bdf or out is NULL");
    *out = nullptr;
    int ok = probe(nullptr, 0, msg, msg_cap);
    if (ok != CXRT_OK) return ok;
    return guarded(CXRT_NO_DEVICE, msg, msg_cap, [&]() -> int {
        *out = new cxrt_device{xrt::device(std::string(bdf))};
        return CXRT_OK;
    });
}

int cxrt_device_info(cxrt_device *dev, int key, char *buf, size_t buf_cap, char *msg, size_t msg_cap) {
    if (dev == nullptr) return bad_argument(msg, msg_cap, "device is NULL");
    put(buf, buf_cap, "");
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        switch (key) {
        case CXRT_INFO_NAME: put(buf, buf_cap, dev->dev.get_info<xrt::info::device::name>()); break;
        case CXRT_INFO_BDF: put(buf, buf_cap, dev->dev.get_info<xrt::info::device::bdf>()); break;
        case CXRT_INFO_PLATFORM: put(buf, buf_cap, dev->dev.get_info<xrt::info::device::platform>()); break;
        default: return bad_argument(msg, msg_cap, "unknown device info key");
        }
        return CXRT_OK;
    });
}

int cxrt_device_load_xclbin(cxrt_device *dev, const char *path, uint8_t uuid[16], char *msg, size_t msg_cap) {
    if (dev == nullptr || path == nullptr || uuid == nullptr)
        return bad_argument(msg, msg_cap, "device, path or uuid is NULL");
    return guarded(CXRT_BAD_XCLBIN, msg, msg_cap, [&]() -> int {
        // Check and parse first, so a bad file is reported as such before the device is touched.
        std::vector<char> data;
        std::string why;
        if (!read_checked_xclbin(path, data, why)) {
            put(msg, msg_cap, why);
            return CXRT_BAD_XCLBIN;
        }
        xrt::xclbin image{data};
        xrt::uuid id = dev->dev.load_xclbin(image);
        copy_uuid(id, uuid);
        return CXRT_OK;
    });
}

int cxrt_device_xclbin_uuid(cxrt_device *dev, uint8_t uuid[16], char *msg, size_t msg_cap) {
    if (dev == nullptr || uuid == nullptr) return bad_argument(msg, msg_cap, "device or uuid is NULL");
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        copy_uuid(dev->dev.get_xclbin_uuid(), uuid);
        return CXRT_OK;
    });
}

void cxrt_device_close(cxrt_device *dev) {
    try { delete dev; } catch (...) {}
}

int cxrt_kernel_open(cxrt_device *dev, const uint8_t uuid[16], const char *name, cxrt_kernel **out,
                     char *msg, size_t msg_cap) {
    if (dev == nullptr || uuid == nullptr || name == nullptr || out == nullptr)
        return bad_argument(msg, msg_cap, "device, uuid, name or out is NULL");
    *out = nullptr;
    return guarded(CXRT_NO_KERNEL, msg, msg_cap, [&]() -> int {
        xuid_t raw;
        std::memcpy(raw, uuid, 16);
        *out = new cxrt_kernel{xrt::kernel(dev->dev, xrt::uuid(raw), std::string(name))};
        return CXRT_OK;
    });
}

int cxrt_kernel_group_id(cxrt_kernel *k, int arg, int32_t *group, char *msg, size_t msg_cap) {
    if (k == nullptr || group == nullptr) return bad_argument(msg, msg_cap, "kernel or group is NULL");
    return guarded(CXRT_ARGUMENT, msg, msg_cap, [&]() -> int {
        *group = static_cast<int32_t>(k->kernel.group_id(arg));
        return CXRT_OK;
    });
}

void cxrt_kernel_close(cxrt_kernel *k) {
    try { delete k; } catch (...) {}
}

int cxrt_bo_alloc(cxrt_device *dev, size_t size, uint32_t group, cxrt_bo **out, char *msg, size_t msg_cap) {
    if (dev == nullptr || out == nullptr) return bad_argument(msg, msg_cap, "device or out is NULL");
    *out = nullptr;
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        *out = new cxrt_bo{xrt::bo(dev->dev, size, xrt::bo::flags::normal, group)};
        return CXRT_OK;
    });
}

int cxrt_bo_map(cxrt_bo *bo, void **host, char *msg, size_t msg_cap) {
    if (bo == nullptr || host == nullptr) return bad_argument(msg, msg_cap, "buffer or host is NULL");
    *host = nullptr;
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        *host = bo->bo.map();
        if (*host == nullptr) {
            put(msg, msg_cap, "XRT returned no host mapping");
            return CXRT_BACKEND;
        }
        return CXRT_OK;
    });
}

int cxrt_bo_address(cxrt_bo *bo, uint64_t *address, char *msg, size_t msg_cap) {
    if (bo == nullptr || address == nullptr) return bad_argument(msg, msg_cap, "buffer or address is NULL");
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        *address = bo->bo.address();
        return CXRT_OK;
    });
}

int cxrt_bo_sync(cxrt_bo *bo, int direction, size_t size, size_t offset, char *msg, size_t msg_cap) {
    if (bo == nullptr) return bad_argument(msg, msg_cap, "buffer is NULL");
    if (direction != CXRT_SYNC_TO_DEVICE && direction != CXRT_SYNC_FROM_DEVICE)
        return bad_argument(msg, msg_cap, "unknown sync direction");
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        bo->bo.sync(static_cast<xclBOSyncDirection>(direction), size, offset);
        return CXRT_OK;
    });
}

void cxrt_bo_free(cxrt_bo *bo) {
    try { delete bo; } catch (...) {}
}

int cxrt_run_create(cxrt_kernel *k, cxrt_run **out, char *msg, size_t msg_cap) {
    if (k == nullptr || out == nullptr) return bad_argument(msg, msg_cap, "kernel or out is NULL");
    *out = nullptr;
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        *out = new cxrt_run{xrt::run(k->kernel)};
        return CXRT_OK;
    });
}

int cxrt_run_set_arg_bo(cxrt_run *r, int index, cxrt_bo *bo, char *msg, size_t msg_cap) {
    if (r == nullptr || bo == nullptr) return bad_argument(msg, msg_cap, "run or buffer is NULL");
    return guarded(CXRT_ARGUMENT, msg, msg_cap, [&]() -> int {
        r->run.set_arg(index, bo->bo);
        return CXRT_OK;
    });
}

int cxrt_run_set_arg_u32(cxrt_run *r, int index, uint32_t value, char *msg, size_t msg_cap) {
    if (r == nullptr) return bad_argument(msg, msg_cap, "run is NULL");
    return guarded(CXRT_ARGUMENT, msg, msg_cap, [&]() -> int {
        r->run.set_arg(index, value);
        return CXRT_OK;
    });
}

int cxrt_run_start(cxrt_run *r, char *msg, size_t msg_cap) {
    if (r == nullptr) return bad_argument(msg, msg_cap, "run is NULL");
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        r->run.start();
        return CXRT_OK;
    });
}

int cxrt_run_wait(cxrt_run *r, uint32_t timeout_ms, int *state, char *msg, size_t msg_cap) {
    if (r == nullptr || state == nullptr) return bad_argument(msg, msg_cap, "run or state is NULL");
    return guarded(CXRT_BACKEND, msg, msg_cap, [&]() -> int {
        ert_cmd_state s = r->run.wait(std::chrono::milliseconds(timeout_ms));
        *state = static_cast<int>(s);
        if (s == ERT_CMD_STATE_TIMEOUT) {
            put(msg, msg_cap, "run not finished after " + std::to_string(timeout_ms) + " ms");
            return CXRT_TIMEOUT;
        }
        return CXRT_OK;
    });
}

void cxrt_run_close(cxrt_run *r) {
    try { delete r; } catch (...) {}
}

}  // extern "C"
