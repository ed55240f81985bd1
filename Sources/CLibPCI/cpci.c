// CLibPCI's functions (include/cpci.h), with libpci loaded on first use.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpci.h"

// Each function is described in include/cpci.h.

#define CPCI_LIBRARY "libpci.so.3"

// The libpci functions used here, called through `lib.<name>` (each the symbol's default version,
// the one a link against libpci would bind).
#define CPCI_FUNCTIONS(F) \
    F(pci_alloc) F(pci_init) F(pci_scan_bus) F(pci_cleanup) F(pci_set_param) F(pci_set_name_list_path) \
    F(pci_fill_info) F(pci_read_byte) F(pci_read_word) F(pci_read_long) F(pci_find_cap) F(pci_lookup_name)

static struct {
#define FIELD(name) __typeof__(&name) name;
    CPCI_FUNCTIONS(FIELD)
#undef FIELD
} lib;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char load_failure[512];

static void load(void) {
    void *handle = dlopen(CPCI_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(load_failure, sizeof load_failure, "cannot load %s: %s", CPCI_LIBRARY, dlerror());
        return;
    }
#define LOOKUP(name) \
    if (!(lib.name = (__typeof__(&name))dlsym(handle, #name))) { \
        snprintf(load_failure, sizeof load_failure, "%s has no %s", CPCI_LIBRARY, #name); \
        return; \
    }
    CPCI_FUNCTIONS(LOOKUP)
#undef LOOKUP
    loaded = 1;
}

_Static_assert(sizeof(u16) == 2 && sizeof(u32) == 4, "libpci's u16/u32 have the sizes the shim assumes");

// The error net (see the header), per thread: where a failing libpci call jumps back to (armed only
// inside a `cpci_` call), and the last error or warning message libpci reported.
static _Thread_local jmp_buf *cpci_jump;
#define cpci_message_size 512
static _Thread_local char cpci_message[cpci_message_size];

__attribute__((noreturn)) static void cpci_on_error(char *msg, ...) {
    va_list ap;
    va_start(ap, msg);
    vsnprintf(cpci_message, cpci_message_size, msg, ap);
    va_end(ap);
    if (cpci_jump) longjmp(*cpci_jump, 1);
    // Not inside a guarded call (cannot happen through the cpci_ API): libpci forbids returning.
    fprintf(stderr, "fpgarun: error: libpci: %s\n", cpci_message);
    exit(2);
}

static void cpci_on_warning(char *msg, ...) {
    va_list ap;
    va_start(ap, msg);
    vsnprintf(cpci_message, cpci_message_size, msg, ap);
    va_end(ap);
}

static void cpci_on_debug(char *msg, ...) { (void)msg; }

/// Copies `text` into the caller's `err` (size `len`; none when `err` is NULL).
static void cpci_set_error(char *err, int len, const char *text) {
    if (err && len > 0) snprintf(err, (size_t)len, "%s", text);
}

// Arms the error net for the rest of the calling function: a libpci error there jumps back here,
// restores the net that was armed before, copies the message into `err` and returns `failed`
// (left empty in a function returning void). CPCI_UNGUARD() restores it on the way out without an
// error. (setjmp must run in the frame that stays alive, hence a macro.)
#define CPCI_GUARD(err, err_len, failed) \
    jmp_buf here; \
    jmp_buf *saved = cpci_jump; \
    cpci_jump = &here; \
    if (setjmp(here)) { \
        cpci_jump = saved; \
        cpci_set_error(err, err_len, cpci_message); \
        return failed; \
    }
#define CPCI_UNGUARD() (cpci_jump = saved)

struct pci_access *cpci_open(const char *dump_name, const char *ids_path, char *err, int err_len) {
    pthread_once(&once, load);
    if (!loaded) {
        cpci_set_error(err, err_len, load_failure);
        return NULL;
    }
    struct pci_access *a = lib.pci_alloc();
    if (!a) {
        cpci_set_error(err, err_len, "pci_alloc failed");
        return NULL;
    }
    a->error = cpci_on_error;
    a->warning = cpci_on_warning;
    a->debug = cpci_on_debug;
    cpci_message[0] = 0;
    // On an error the half-initialised handle is leaked on purpose: cleaning it up may fail again.
    CPCI_GUARD(err, err_len, NULL);
    if (dump_name) {
        a->method = PCI_ACCESS_DUMP;
        if (lib.pci_set_param(a, "dump.name", (char *)dump_name) != 0) a->error("no dump.name parameter");
    }
    if (ids_path) lib.pci_set_name_list_path(a, strdup(ids_path), 1);
    lib.pci_init(a);
    lib.pci_scan_bus(a);
    CPCI_UNGUARD();
    return a;
}

void cpci_close(struct pci_access *a) {
    if (!a) return;
    CPCI_GUARD(NULL, 0, );
    lib.pci_cleanup(a);
    CPCI_UNGUARD();
}

struct pci_dev *cpci_first_device(struct pci_access *a) { return a ? a->devices : NULL; }

int cpci_describe(struct pci_dev *d, cpci_info *out, char *err, int err_len) {
    memset(out, 0, sizeof *out);
    CPCI_GUARD(err, err_len, -1);
    lib.pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CAPS | PCI_FILL_NUMA_NODE);
    out->domain = d->domain;
    out->bus = d->bus;
    out->dev = d->dev;
    out->func = d->func;
    out->vendor_id = d->vendor_id;
    out->device_id = d->device_id;
    out->class_code = d->device_class;
    out->numa_node = (d->known_fields & PCI_FILL_NUMA_NODE) ? d->numa_node : -1;
    // Subsystem ids sit at 0x2c/0x2e in a type-0 header only (bridges keep them in a capability).
    if ((lib.pci_read_byte(d, PCI_HEADER_TYPE) & 0x7f) == PCI_HEADER_TYPE_NORMAL) {
        out->subsys_vendor_id = lib.pci_read_word(d, PCI_SUBSYSTEM_VENDOR_ID);
        out->subsys_id = lib.pci_read_word(d, PCI_SUBSYSTEM_ID);
    }
    struct pci_cap *cap = lib.pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);
    if (cap) {
        out->has_express = 1;
        out->link_cap = lib.pci_read_long(d, cap->addr + PCI_EXP_LNKCAP);
        out->link_status = lib.pci_read_word(d, cap->addr + PCI_EXP_LNKSTA);
    }
    CPCI_UNGUARD();
    return 0;
}

int cpci_device_name(struct pci_access *a, unsigned vendor, unsigned device, char *buf, int size, char *err,
                     int err_len) {
    CPCI_GUARD(err, err_len, -1);
    char *name = lib.pci_lookup_name(a, buf, size, PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
                                     vendor, device);
    CPCI_UNGUARD();
    if (!name) return 0;
    if (name != buf) snprintf(buf, (size_t)size, "%s", name);
    return 1;
}
