// libpci through its own header (pkg-config libpci), plus a few `cpci_` helpers Swift needs:
//
// - libpci reports fatal errors through `pci_access.error`, a variadic no-return callback whose
//   default prints and calls exit(1). Swift can neither write a variadic C function nor stop a
//   no-return callback from returning, so the handler lives here: it formats the message into a
//   thread-local buffer and longjmps back to the `cpci_` call that armed it, which then returns -1.
//   libpci is plain C (no destructors to skip); what it had allocated in the failed call leaks and
//   the handle must not be used again except through `cpci_close_after_error` (which leaks it).
//   The Swift side validates dump files first, so this net only catches what it could not foresee.
// - `pci_set_param` takes `char *`; the helpers take `const char *`.
// - the register offsets and fill flags are macros; the helpers read the PCI Express link registers
//   and return everything as one plain struct.
#pragma once
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(u16) == 2 && sizeof(u32) == 4, "libpci's u16/u32 have the sizes the shim assumes");

// The state lives in function-local statics: Swift's importer emits the inline functions it calls
// but not file-scope static variables of a header.
/// Where a failing libpci call jumps back to (armed only inside a `cpci_` call), per thread.
static inline jmp_buf **cpci_jump_slot(void) {
    static _Thread_local jmp_buf *slot = NULL;
    return &slot;
}
/// The last error or warning message libpci reported on this thread.
static inline char *cpci_message_buffer(void) {
    static _Thread_local char message[512];
    return message;
}
#define cpci_jump (*cpci_jump_slot())
#define cpci_message (cpci_message_buffer())
#define cpci_message_size 512

static void cpci_on_error(char *msg, ...) {
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

/// Copies the last libpci message into `err` (size `len`).
static inline void cpci_copy_message(char *err, int len) {
    if (err && len > 0) snprintf(err, (size_t)len, "%s", cpci_message);
}

/// Opens libpci: on the dump file `dump_name` when not NULL, else on the live bus (default access
/// method); `ids_path` overrides the pci.ids location when not NULL. Scans the bus. Returns NULL
/// and fills `err` on failure.
static inline struct pci_access *cpci_open(const char *dump_name, const char *ids_path, char *err, int err_len) {
    struct pci_access *a = pci_alloc();
    if (!a) { if (err && err_len > 0) snprintf(err, (size_t)err_len, "pci_alloc failed"); return NULL; }
    a->error = cpci_on_error;
    a->warning = cpci_on_warning;
    a->debug = cpci_on_debug;
    cpci_message[0] = 0;
    jmp_buf here;
    jmp_buf *saved = cpci_jump;
    cpci_jump = &here;
    if (setjmp(here)) {
        cpci_jump = saved;
        cpci_copy_message(err, err_len);
        return NULL;  // the half-initialised handle is leaked on purpose: cleaning it up may fail again
    }
    if (dump_name) {
        a->method = PCI_ACCESS_DUMP;
        if (pci_set_param(a, "dump.name", (char *)dump_name) != 0) a->error("no dump.name parameter");
    }
    if (ids_path) pci_set_name_list_path(a, strdup(ids_path), 1);
    pci_init(a);
    pci_scan_bus(a);
    cpci_jump = saved;
    return a;
}

/// Frees a handle from `cpci_open` (guarded: an error during clean-up leaks instead of exiting).
static inline void cpci_close(struct pci_access *a) {
    if (!a) return;
    jmp_buf here;
    jmp_buf *saved = cpci_jump;
    cpci_jump = &here;
    if (!setjmp(here)) pci_cleanup(a);
    cpci_jump = saved;
}

/// The first device of a scanned bus (then follow `next`).
static inline struct pci_dev *cpci_first_device(struct pci_access *a) { return a ? a->devices : NULL; }

/// What the scanner needs to know about one function.
typedef struct cpci_info {
    int domain, bus, dev, func;
    unsigned vendor_id, device_id;
    unsigned class_code;          // base class << 8 | subclass (e.g. 0x1200)
    unsigned subsys_vendor_id, subsys_id;
    int numa_node;                // -1 when unknown (always from a dump)
    int has_express;              // a PCI Express capability was found
    unsigned link_cap;            // Link Capabilities register (32 bits)
    unsigned link_status;         // Link Status register (16 bits)
} cpci_info;

/// Fills `out` for `d`: ids, class, subsystem, NUMA node, PCIe link registers. Returns 0, or -1
/// with `err` filled when libpci reported an error.
static inline int cpci_describe(struct pci_dev *d, cpci_info *out, char *err, int err_len) {
    memset(out, 0, sizeof *out);
    jmp_buf here;
    jmp_buf *saved = cpci_jump;
    cpci_jump = &here;
    if (setjmp(here)) {
        cpci_jump = saved;
        cpci_copy_message(err, err_len);
        return -1;
    }
    pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CAPS | PCI_FILL_NUMA_NODE);
    out->domain = d->domain;
    out->bus = d->bus;
    out->dev = d->dev;
    out->func = d->func;
    out->vendor_id = d->vendor_id;
    out->device_id = d->device_id;
    out->class_code = d->device_class;
    out->numa_node = (d->known_fields & PCI_FILL_NUMA_NODE) ? d->numa_node : -1;
    // Subsystem ids sit at 0x2c/0x2e in a type-0 header only (bridges keep them in a capability).
    if ((pci_read_byte(d, PCI_HEADER_TYPE) & 0x7f) == PCI_HEADER_TYPE_NORMAL) {
        out->subsys_vendor_id = pci_read_word(d, PCI_SUBSYSTEM_VENDOR_ID);
        out->subsys_id = pci_read_word(d, PCI_SUBSYSTEM_ID);
    }
    struct pci_cap *cap = pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);
    if (cap) {
        out->has_express = 1;
        out->link_cap = pci_read_long(d, cap->addr + PCI_EXP_LNKCAP);
        out->link_status = pci_read_word(d, cap->addr + PCI_EXP_LNKSTA);
    }
    cpci_jump = saved;
    return 0;
}

/// Looks up the device name of `vendor:device` in the pci.ids database (never udev's hwdb, so the
/// answer does not depend on the host). Returns 1 and fills `buf`, 0 when the database has no
/// entry (or is missing), -1 with `err` filled when libpci reported an error.
static inline int cpci_device_name(struct pci_access *a, unsigned vendor, unsigned device, char *buf, int size,
                                   char *err, int err_len) {
    jmp_buf here;
    jmp_buf *saved = cpci_jump;
    cpci_jump = &here;
    if (setjmp(here)) {
        cpci_jump = saved;
        cpci_copy_message(err, err_len);
        return -1;
    }
    char *name = pci_lookup_name(a, buf, size, PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
                                 vendor, device);
    cpci_jump = saved;
    if (!name) return 0;
    if (name != buf) snprintf(buf, (size_t)size, "%s", name);
    return 1;
}
