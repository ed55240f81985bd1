import Testing
@testable import Xclbin
