// cxrt_shim.h — extern "C" API over XRT's native C++ API (filled in by the XRT work).
#pragma once
