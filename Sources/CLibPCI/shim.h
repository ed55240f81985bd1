// libpci through its own header (pkg-config libpci).
#pragma once
#include <pci/pci.h>
