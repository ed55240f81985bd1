#include "cxrt_shim.h"
