import Testing

@testable import FixedPoint

@Suite("Parsing and printing type spellings")
struct ParsingTests {
    @Test(
        "Spellings parse to the expected C++ and hls4ml forms",
        arguments: [
            ("ap_fixed<16,6>", "ap_fixed<16,6>", "fixed<16,6>"),
            ("ap_fixed<16,6,AP_RND,AP_SAT>", "ap_fixed<16,6,AP_RND,AP_SAT>", "fixed<16,6,RND,SAT>"),
            ("ap_ufixed<8,0,AP_RND_CONV,AP_WRAP,2>", "ap_ufixed<8,0,AP_RND_CONV,AP_WRAP,2>", "ufixed<8,0,RND_CONV,WRAP,2>"),
            ("ap_int<8>", "ap_int<8>", "int<8>"),
            ("ap_uint<4>", "ap_uint<4>", "uint<4>"),
            ("fixed<16,6>", "ap_fixed<16,6>", "fixed<16,6>"),
            ("ufixed<8,0,RND,SAT>", "ap_ufixed<8,0,AP_RND,AP_SAT>", "ufixed<8,0,RND,SAT>"),
            ("int<8>", "ap_int<8>", "int<8>"),
            ("uint<4>", "ap_uint<4>", "uint<4>"),
            ("fixed<16,6,RND_CONV,SAT_SYM>", "ap_fixed<16,6,AP_RND_CONV,AP_SAT_SYM>", "fixed<16,6,RND_CONV,SAT_SYM>"),
            ("  ap_fixed < 16 , 6 , AP_RND >  ", "ap_fixed<16,6,AP_RND>", "fixed<16,6,RND>"),
            ("\tfixed<\n18,\t8 >\n", "ap_fixed<18,8>", "fixed<18,8>"),
            ("ap_fixed<16,6,AP_TRN,AP_WRAP,0>", "ap_fixed<16,6>", "fixed<16,6>"),
            ("ap_fixed<16,6,AP_TRN,AP_SAT>", "ap_fixed<16,6,AP_TRN,AP_SAT>", "fixed<16,6,TRN,SAT>"),
            ("ap_fixed<16,6,AP_TRN,AP_WRAP,3>", "ap_fixed<16,6,AP_TRN,AP_WRAP,3>", "fixed<16,6,TRN,WRAP,3>"),
            ("ap_fixed<8,-3>", "ap_fixed<8,-3>", "fixed<8,-3>"),
            ("ap_fixed<4,10,AP_RND_ZERO>", "ap_fixed<4,10,AP_RND_ZERO>", "fixed<4,10,RND_ZERO>"),
            ("ufixed<8,0,rnd,sat>", "ap_ufixed<8,0,AP_RND,AP_SAT>", "ufixed<8,0,RND,SAT>"),
            ("fixed<8,3,AP_RND_MIN_INF,AP_SAT_ZERO>", "ap_fixed<8,3,AP_RND_MIN_INF,AP_SAT_ZERO>", "fixed<8,3,RND_MIN_INF,SAT_ZERO>"),
            ("ap_fixed<128,64,AP_RND_INF,AP_WRAP_SM,128>", "ap_fixed<128,64,AP_RND_INF,AP_WRAP_SM,128>", "fixed<128,64,RND_INF,WRAP_SM,128>"),
            ("ap_uint<128>", "ap_uint<128>", "uint<128>"),
        ])
    func spellings(text: String, cpp: String, short: String) throws {
        let f = try FixedFormat(parsing: text)
        #expect(f.description == cpp)
        #expect(f.shorthand == short)
        #expect(try FixedFormat(parsing: cpp) == f)
        #expect(try FixedFormat(parsing: short) == f)
    }

    @Test("Fields of parsed types")
    func fields() throws {
        let f = try FixedFormat(parsing: "ap_ufixed<8,0,AP_RND_CONV,AP_WRAP,2>")
        #expect(f.width == 8 && f.integerBits == 0 && !f.isSigned && !f.isInteger)
        #expect(f.quantization == .rndConv && f.overflow == .wrap && f.saturationBits == 2)
        #expect(f.fractionBits == 8)
        let i = try FixedFormat(parsing: "ap_int<8>")
        #expect(i == (try FixedFormat.int(8)))
        #expect(i.isInteger && i.isSigned && i.integerBits == 8 && i.quantization == .trn && i.overflow == .wrap)
        // ap_int<8> and ap_fixed<8,8> are different types: conversions into them differ.
        #expect(i != (try FixedFormat(parsing: "ap_fixed<8,8>")))
    }

    @Test("Every mode combination round-trips through both spellings")
    func everyCombination() throws {
        for q in QuantizationMode.allCases {
            for o in OverflowMode.allCases {
                for signed in [true, false] where signed || o != .wrapSM {
                    for n in [0, 2] {
                        let f = try FixedFormat(
                            width: 12, integerBits: -3, signed: signed, quantization: q, overflow: o, saturationBits: n)
                        #expect(try FixedFormat(parsing: f.description) == f, "\(f)")
                        #expect(try FixedFormat(parsing: f.shorthand) == f, "\(f.shorthand)")
                    }
                }
            }
        }
    }

    @Test(
        "Bad spellings throw one line naming the text",
        arguments: [
            ("ap_fixed<0,3>", "width must be 1...128"),
            ("ap_fixed<129,3>", "width must be 1...128"),
            ("ap_fixed<16,6,AP_FOO>", "unknown quantization mode 'AP_FOO'"),
            ("ap_fixed<16,6,AP_RND,AP_FOO>", "unknown overflow mode 'AP_FOO'"),
            ("ap_fixed<16,6,AP_SAT>", "unknown quantization mode 'AP_SAT'"),
            ("fixed<>", "empty template argument"),
            ("ap_fixed<16>", "ap_fixed needs 2 to 5 arguments (W,I[,Q[,O[,N]]])"),
            ("ap_fixed<16,6,AP_RND,AP_SAT,0,1>", "ap_fixed needs 2 to 5 arguments (W,I[,Q[,O[,N]]])"),
            ("ap_fixed<16,6> junk", "unexpected text after '>'"),
            ("ap_fixed<16,6>>", "unexpected text after '>'"),
            ("ap_fixed<16,6", "missing '>'"),
            ("ap_fixed 16,6>", "expected '<' after 'ap_fixed'"),
            ("ap_fixed", "expected '<' after 'ap_fixed'"),
            ("ap_fixed<16,,6>", "empty template argument"),
            ("ap_fixed<16.5,6>", "width '16.5' is not an integer"),
            ("ap_fixed<16,x>", "integer bits 'x' is not an integer"),
            ("ap_int<8,2>", "ap_int takes exactly one argument (W)"),
            ("ap_int<>", "empty template argument"),
            ("ap_uint<0>", "width must be 1...128"),
            ("ap_ufixed<8,4,AP_TRN,AP_WRAP_SM>", "AP_WRAP_SM needs a signed type"),
            ("ap_fixed<8,4,AP_TRN,AP_WRAP,9>", "saturation bits must be 0...width"),
            ("ap_fixed<8,4,AP_TRN,AP_WRAP,-1>", "saturation bits must be 0...width"),
            ("ap_fixed<8,99999>", "integer bits must be within ±65536"),
            ("float", "expected ap_fixed, ap_ufixed, ap_int, ap_uint, fixed, ufixed, int or uint"),
            ("", "expected ap_fixed, ap_ufixed, ap_int, ap_uint, fixed, ufixed, int or uint"),
            ("AP_FIXED<16,6>", "expected ap_fixed, ap_ufixed, ap_int, ap_uint, fixed, ufixed, int or uint"),
        ])
    func badSpellings(text: String, reason: String) {
        do {
            let f = try FixedFormat(parsing: text)
            Issue.record("'\(text)' parsed as \(f)")
        } catch let error as FixedPointError {
            #expect(error.text == text)
            #expect(error.reason == reason)
            #expect("\(error)" == "invalid fixed-point type '\(text)': \(reason)")
            #expect(!"\(error)".contains("\n"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("The message stays on one line for multi-line text")
    func oneLine() {
        #expect(throws: FixedPointError.self) { try FixedFormat(parsing: "ap_fixed<16,\n6,AP_FOO>") }
        do {
            _ = try FixedFormat(parsing: "ap_fixed<16,\n6,AP_FOO>")
        } catch {
            #expect("\(error)" == "invalid fixed-point type 'ap_fixed<16, 6,AP_FOO>': unknown quantization mode 'AP_FOO'")
        }
    }

    @Test("Field-wise construction validates too")
    func fieldValidation() {
        #expect(throws: FixedPointError.self) { try FixedFormat(width: 0, integerBits: 3) }
        #expect(throws: FixedPointError.self) { try FixedFormat.int(129, signed: false) }
        do {
            _ = try FixedFormat(width: 0, integerBits: 3)
        } catch {
            #expect("\(error)" == "invalid fixed-point type 'ap_fixed<0,3>': width must be 1...128")
        }
    }
}
