// xclbin reader and writer (filled in by the xclbin work).
