import Testing
@testable import Codegen

@Suite struct TemplateTests {
    @Test func rendersEveryPlaceholder() throws {
        let t = Template(name: "t", text: "void {{name}}_mm(int {{arg}}) { return {{name}}; }")
        #expect(try t.keys() == ["name", "arg"])
        #expect(try t.render(["name": "p", "arg": "n"]) == "void p_mm(int n) { return p; }")
    }

    @Test func missingKeyFails() {
        let t = Template(name: "k.cpp", text: "{{a}} {{b}} {{c}}")
        #expect {
            try t.render(["a": "1"])
        } throws: { e in
            let c = e as? CodegenError
            return c?.kind == .template && c!.message.contains("k.cpp") && c!.message.contains("{{b}}")
                && c!.message.contains("{{c}}")
        }
    }

    @Test func unusedKeyFails() {
        let t = Template(name: "u.cfg", text: "x={{a}}")
        #expect {
            try t.render(["a": "1", "stale": "2"])
        } throws: { e in
            let c = e as? CodegenError
            return c?.kind == .template && c!.message.contains("stale") && c!.message.contains("u.cfg")
        }
    }

    @Test func badPlaceholderSyntaxFails() {
        for text in ["{{Upper}}", "{{a b}}", "{{}}", "open {{a", "int m[2][2] = {{1, 2}, {3, 4}};"] {
            #expect(throws: CodegenError.self, "\(text)") { try Template(name: "bad", text: text).render([:]) }
        }
    }

    @Test func valuesAreNotRescanned() throws {
        // A value that looks like a placeholder is emitted as is: rendering is a single pass.
        let t = Template(name: "t", text: "[{{a}}]")
        #expect(try t.render(["a": "{{b}}"]) == "[{{b}}]")
    }

    @Test func everyEmbeddedTemplateParses() throws {
        for name in EmbeddedKernels.files.keys.sorted() {
            let keys = try Template.embedded(name).keys()
            #expect(!keys.isEmpty || name == "csim_ap_axi_sdata.h",
                    "\(name) has no placeholders")
        }
        #expect(throws: CodegenError.self) { try Template.embedded("no_such_template") }
    }
}
