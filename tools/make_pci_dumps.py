#!/usr/bin/env python3
"""Writes the Alveo-like PCI bus dumps under Tests/Fixtures/pci/ (lspci -x / -xxx / -xxxx text format).

Each function gets a type-0 configuration header (vendor, device, class, subsystem, BARs) and a
capability list: power management -> MSI-X -> PCI Express (with Link Capabilities / Link Status
carrying the capable and the current link). libpci reads these files with PCI_ACCESS_DUMP; check
them with `lspci -F FILE -vv`. Re-run after editing: python3 tools/make_pci_dumps.py
"""
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "pci")

XILINX, AMD, INTEL = 0x10EE, 0x1022, 0x8086


def config(vendor, device, cls, subsys=(0, 0), link=None, multifunction=False, prog_if=0, rev=0,
           express_type=0, bridge=False, size=256):
    """`size` bytes of configuration space; link = ((cap_speed, cap_width), (cur_speed, cur_width))."""
    c = bytearray(max(size, 256))
    struct.pack_into("<HH", c, 0x00, vendor, device)
    struct.pack_into("<HH", c, 0x04, 0x0406, 0x0010 if link else 0x0000)  # status bit 4: capability list
    c[0x08], c[0x09] = rev, prog_if
    struct.pack_into("<H", c, 0x0A, cls)
    c[0x0E] = (0x01 if bridge else 0x00) | (0x80 if multifunction else 0x00)
    if not bridge:
        struct.pack_into("<I", c, 0x10, 0xE0000000 | 0x0C)  # 64-bit prefetchable memory BAR
        struct.pack_into("<HH", c, 0x2C, *subsys)
        c[0x3D] = 0x01  # INTA
    c[0x34] = 0x40 if link else 0x00
    if link:
        # 0x40 power management (v3), next 0x60
        c[0x40], c[0x41] = 0x01, 0x60
        struct.pack_into("<HH", c, 0x42, 0x0003, 0x0008)
        # 0x60 MSI-X, 32 vectors, table/PBA in BAR 0, next 0x70
        c[0x60], c[0x61] = 0x11, 0x70
        struct.pack_into("<HII", c, 0x62, 0x001F, 0x00009000, 0x00009FE0)
        # 0x70 PCI Express v2, end of list
        (cap_speed, cap_width), (cur_speed, cur_width) = link
        c[0x70], c[0x71] = 0x10, 0x00
        struct.pack_into("<H", c, 0x72, 0x0002 | (express_type << 4))
        struct.pack_into("<I", c, 0x74, 0x00008FA2)  # DevCap: 512-byte max payload, FLR
        struct.pack_into("<HH", c, 0x78, 0x2930, 0x0000)  # DevCtl / DevSta
        # LnkCap: max speed, max width, L1 exit latency, port number 0
        struct.pack_into("<I", c, 0x7C, cap_speed | (cap_width << 4) | (0x3 << 15))
        struct.pack_into("<HH", c, 0x80, 0x0000, cur_speed | (cur_width << 4))  # LnkCtl / LnkSta
        struct.pack_into("<I", c, 0x94, 0x00000010)  # DevCap2: completion time-out ranges
        # LnkCap2: supported link speeds vector (bit 1 = 2.5 GT/s ... bit cap_speed)
        struct.pack_into("<I", c, 0x9C, sum(1 << b for b in range(1, cap_speed + 1)))
        struct.pack_into("<H", c, 0xA0, cap_speed)  # LnkCtl2: target link speed
    return bytes(c[:size])  # -x dumps stop at 64 bytes (capabilities lost), -xxxx go to 4096


def dump(functions, domain=False):
    """lspci's -x text: an address line, 16 bytes per line, a blank line after each function."""
    out = []
    for (dom, bus, dev, fn), title, data in functions:
        addr = f"{bus:02x}:{dev:02x}.{fn}"
        out.append(f"{dom:04x}:{addr} {title}" if domain else f"{addr} {title}")
        for off in range(0, len(data), 16):
            out.append(f"{off:02x}: " + " ".join(f"{b:02x}" for b in data[off:off + 16]))
        out.append("")
    return "\n".join(out) + "\n"


GEN1, GEN2, GEN3, GEN4 = 1, 2, 3, 4

HOST_BRIDGE = ((0, 0x00, 0x00, 0), "Host bridge: Advanced Micro Devices, Inc. [AMD] Starship/Matisse Root Complex",
               config(AMD, 0x1480, 0x0600, subsys=(AMD, 0x1480)))
AMD_PSP = ((0, 0x00, 0x07, 1), "Encryption controller: Advanced Micro Devices, Inc. [AMD] Starship/Matisse PTDMA",
           config(AMD, 0x1498, 0x1080, subsys=(AMD, 0x1498), link=((GEN4, 16), (GEN4, 16)), express_type=9))
NIC = ((0, 0x01, 0x00, 0), "Ethernet controller: Intel Corporation I350 Gigabit Network Connection",
       config(INTEL, 0x1521, 0x0200, subsys=(INTEL, 0x0001), link=((GEN2, 4), (GEN2, 4))))


def alveo(bus, mgmt, user, title, cap, cur, dev=0, dom=0, size=256):
    """An Alveo card: management function .0 (processing accelerator), user function .1 (memory controller)."""
    lk = (cap, cur)
    return [
        ((dom, bus, dev, 0), f"Processing accelerators: Xilinx Corporation {title}",
         config(XILINX, mgmt, 0x1200, subsys=(XILINX, 0x000E), link=lk, multifunction=True, size=size)),
        ((dom, bus, dev, 1), f"Memory controller: Xilinx Corporation {title}",
         config(XILINX, user, 0x0580, subsys=(XILINX, 0x000E), link=lk, size=size)),
    ]


FILES = {
    # A host with a U250 trained at Gen3 x8 in a Gen3 x16 slot, a U55C at full Gen3 x16, and devices
    # that must be filtered out: AMD's host bridge and crypto engine, an Intel NIC.
    "alveo.txt": dump([HOST_BRIDGE, AMD_PSP, NIC]
                      + alveo(0x3B, 0x5004, 0x5005, "Alveo U250", (GEN3, 16), (GEN3, 8))
                      + alveo(0xD8, 0x505C, 0x505D, "Alveo U55C", (GEN3, 16), (GEN3, 16))),
    # No FPGA at all.
    "none.txt": dump([HOST_BRIDGE, AMD_PSP, NIC]),
    # A U280 in PCI domain 1, dumped with -xxxx (4096 bytes of config space), running at Gen1 x16.
    "u280_domain1_xxxx.txt": dump(alveo(0x02, 0x500C, 0x500D, "Alveo U280", (GEN3, 16), (GEN1, 16), dom=1,
                                        size=4096), domain=True),
    # A U200 dumped with plain -x (64 bytes, as a non-root user gets): the capability list points
    # past the dump, so the link is unknown.
    "u200_x.txt": dump(alveo(0x65, 0x5000, 0x5001, "Alveo U200", (GEN3, 16), (GEN3, 16), size=64)),
    # AMD vendor id 0x1022: kept only as a processing accelerator (class 0x1200) or as a memory/other
    # controller whose device id is a known Alveo function; the host bridge and the crypto engine go.
    "amd.txt": dump([HOST_BRIDGE, AMD_PSP,
                     ((0, 0x81, 0x00, 0), "Processing accelerators: Advanced Micro Devices, Inc. [AMD] Device 50b4",
                      config(AMD, 0x50B4, 0x1200, subsys=(AMD, 0x0001), link=((GEN4, 8), (GEN4, 8)),
                             multifunction=True)),
                     ((0, 0x81, 0x00, 1), "Memory controller: Advanced Micro Devices, Inc. [AMD] Device 5005",
                      config(AMD, 0x5005, 0x0580, subsys=(AMD, 0x0001), link=((GEN4, 8), (GEN4, 8)))),
                     ((0, 0x82, 0x00, 0), "Memory controller: Advanced Micro Devices, Inc. [AMD] Device 1234",
                      config(AMD, 0x1234, 0x0580, subsys=(AMD, 0x0001), link=((GEN4, 8), (GEN4, 8))))]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, text in FILES.items():
        with open(os.path.join(OUT, name), "w") as f:
            f.write(text)
        print(f"wrote {os.path.relpath(os.path.join(OUT, name), ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
