import Testing
import XMLScanner

/// The events of `text`, each as a short string (`<a k=v>`, `"text"`, `</a>`) with its line.
private func events(_ text: String) throws -> [String] {
    var out: [String] = []
    try XMLScanner.scan(Array(text.utf8)) { event, line in
        switch event {
        case .start(let name, let attributes):
            let attrs = attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            out.append("\(line)<\(name)\(attrs)>")
        case .text(let s):
            out.append("\(line)\"\(s)\"")
        case .end(let name):
            out.append("\(line)</\(name)>")
        }
    }
    return out
}

/// The error `text` is rejected with, as `line: message`.
private func rejection(_ text: String) -> String {
    do {
        _ = try events(text)
        return "accepted"
    } catch let e as XMLSyntaxError {
        return e.description
    } catch {
        return "unexpected \(error)"
    }
}

@Suite struct XMLScannerTests {
    @Test func elementsAttributesAndText() throws {
        let doc = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!-- a report -->
            <!DOCTYPE profile [ <!ELEMENT profile ANY> <!-- ] > --> ]>
            <profile a="1" b='two words'>
              <Part>xcu250&amp;<![CDATA[<raw> & ]]>&#x41;&#66;</Part>
              <Empty x = "&lt;&gt;&quot;&apos;"/>
            </profile>
            <?trailer?>

            """
        #expect(try events(doc) == [
            "4<profile a=1 b=two words>", "4\"\n  \"", "5<Part>", "5\"xcu250&\"", "5\"<raw> & \"", "5\"AB\"", "5</Part>",
            "5\"\n  \"", "6<Empty x=<>\"'>", "6</Empty>", "6\"\n\"", "7</profile>",
        ])
    }

    @Test func lineBreaksAreNormalised() throws {
        // CR LF and lone CR become LF in text; in attribute values tabs and line breaks become spaces.
        // Lines are counted by LF.
        #expect(try events("<a v=\"x\r\ny\tz\">1\r\n2\r3</a>") == ["1<a v=x y z>", "2\"1\n2\n3\"", "3</a>"])
    }

    @Test func commentsMayStartWithADash() throws {
        // Only '--' inside and a '-' before the closing '-->' are errors (as expat has it).
        #expect(try events("<!---->\n<a><!--->--><!-- - --></a>") == ["2<a>", "2</a>"])
    }

    @Test func declaredUTF8OrASCII() throws {
        #expect(try events("<?xml version='1.0' encoding='US-ASCII'?><a/>") == ["1<a>", "1</a>"])
        #expect(try events("<?xml version=\"1.0\" encoding = \"UTF-8\" standalone=\"yes\"?>\n<a/>") == ["2<a>", "2</a>"])
    }

    @Test func utf8NamesAndText() throws {
        #expect(try events("<größe einheit=\"µs\">±1</größe>") == ["1<größe einheit=µs>", "1\"±1\"", "1</größe>"])
    }

    @Test(arguments: [
        ("", "line 1: no root element"),
        ("  <!-- only a comment -->\n", "line 2: no root element"),
        ("text<a/>", "line 1: text before the root element"),
        ("<a/><b/>", "line 1: a second root element"),
        ("<a/>\ntail", "line 2: content after the root element"),
        ("<a>\n<b>\n</a>", "line 3: </a> does not close <b>"),
        ("<a>\n<b>", "line 2: the document ends inside <b>"),
        ("<a x=1/>", "line 1: <a>: the value of x is not quoted"),
        ("<a x/>", "line 1: <a>: attribute x has no value"),
        ("<a x='1' x='2'/>", "line 1: <a>: attribute x is repeated"),
        ("<a x='1'y='2'/>", "line 1: <a>: attributes must be separated by space"),
        ("<a x='<'/>", "line 1: <a>: '<' in the value of x"),
        ("<a x='1/>", "line 1: the document ends inside the value of x in <a>"),
        ("<a>&nbsp;</a>", "line 1: unknown entity &nbsp;"),
        ("<a>&#0;</a>", "line 1: unknown entity &#0;"),
        ("<a>&#xD800;</a>", "line 1: unknown entity &#xD800;"),
        ("<a>a & b</a>", "line 1: a '&' that starts no entity reference"),
        ("<a>\u{1}</a>", "line 1: the control character 0x1 is not allowed"),
        ("<a>\n<!-- open</a>", "line 2: the document ends inside a comment"),
        ("<a><![CDATA[x</a>", "line 1: the document ends inside a CDATA section"),
        ("<a", "line 1: the document ends inside the start tag <a>"),
        ("<a></a", "line 1: the document ends inside the end tag </a>"),
        ("<a></a b>", "line 1: the end tag </a> holds more than its name"),
        ("<1a/>", "line 1: a start tag has a name starting with '1'"),
        ("< a/>", "line 1: a start tag has no name"),
        ("<a><!ELEMENT b></a>", "line 1: a declaration inside an element"),
        ("<a/><!DOCTYPE a>", "line 1: a DOCTYPE after the root element"),
        ("<!DOCTYPE a [", "line 1: the document ends inside a DOCTYPE"),
        ("<a>\n<!-- a -- b --></a>", "line 2: '--' inside a comment"),
        ("<a><!-- a ---></a>", "line 1: '--' inside a comment"),
        ("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<a/>", "line 1: the document's encoding 'iso-8859-1' is not supported; only UTF-8 is"),
    ])
    func malformedDocuments(text: String, error: String) {
        #expect(rejection(text) == error)
    }

    @Test func invalidUTF8() {
        var bytes = Array("<a>x".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("</a>".utf8)
        #expect(throws: XMLSyntaxError(line: 1, message: "invalid UTF-8")) { try XMLScanner.scan(bytes) { _, _ in } }
    }

    @Test func visitorErrorsStopTheScan() {
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try XMLScanner.scan(Array("<a><b/><c/></a>".utf8)) { event, _ in
                seen += 1
                if case .start("b", _) = event { throw Stop() }
            }
        }
        #expect(seen == 2)
    }
}
