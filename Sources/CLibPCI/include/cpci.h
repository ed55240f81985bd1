// CLibPCI: libpci (PCIe discovery) for Swift, loaded on first use, plus the few `cpci_` helpers
// Swift needs.
//
// - libpci is opened with dlopen the first time a `cpci_` function needs it, not linked: loading it
//   (and libudev behind it) cost every fpgarun start ~0.6 ms, and only `devices` scans the bus.
//   Its types come from its header (libpci-dev); nothing here links against it. When it cannot be
//   loaded, `cpci_open` fails with the loader's message.
// - libpci reports fatal errors through `pci_access.error`, a variadic no-return callback whose
//   default prints and calls exit(1). Swift can neither write a variadic C function nor stop a
//   no-return callback from returning, so the handler lives here: it formats the message into a
//   thread-local buffer and longjmps back to the `cpci_` call that armed it, which then returns -1.
//   libpci is plain C (no destructors to skip); what it had allocated in the failed call leaks.
//   The Swift side validates dump files first, so this net only catches what it could not foresee.
// - `pci_set_param` takes `char *`; the helpers take `const char *`.
// - the register offsets and fill flags are macros; the helpers read the PCI Express link registers
//   and return everything as one plain struct.
#pragma once
#include <pci/pci.h>

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

/// Opens libpci: on the dump file `dump_name` when not NULL, else on the live bus (default access
/// method); `ids_path` overrides the pci.ids location when not NULL. Scans the bus. Returns NULL
/// and fills `err` on failure (libpci cannot be loaded, or reported an error).
struct pci_access *cpci_open(const char *dump_name, const char *ids_path, char *err, int err_len);

/// Frees a handle from `cpci_open` (guarded: an error during clean-up leaks instead of exiting).
void cpci_close(struct pci_access *a);

/// The first device of a scanned bus (then follow `next`).
struct pci_dev *cpci_first_device(struct pci_access *a);

/// Fills `out` for `d`: ids, class, subsystem, NUMA node, PCIe link registers. Returns 0, or -1
/// with `err` filled when libpci reported an error.
int cpci_describe(struct pci_dev *d, cpci_info *out, char *err, int err_len);

/// Looks up the device name of `vendor:device` in the pci.ids database (never udev's hwdb, so the
/// answer does not depend on the host). Returns 1 and fills `buf`, 0 when the database has no
/// entry (or is missing), -1 with `err` filled when libpci reported an error.
int cpci_device_name(struct pci_access *a, unsigned vendor, unsigned device, char *buf, int size, char *err, int err_len);
