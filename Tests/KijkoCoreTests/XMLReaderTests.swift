import Foundation
import Testing
import KijkoCore

/// The small XML reader interchange files go through: what it reads, and what it refuses with the line.
@Suite struct XMLReaderTests {
    @Test func readsElementsAttributesTextAndSkipsTheRest() throws {
        let text = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment with <tags> -->
            <cdl:List xmlns:cdl='urn:x' id="a &amp; b">
              <Item n="1"/><?pi?>
              <Note>5 &lt; 6 &#x263A; &#65;<![CDATA[<raw & kept>]]></Note>
            </cdl:List>
            """
        let events = try XMLReader.events(Data(text.utf8), file: "x.xml")
        #expect(events.first == .start(name: "cdl:List", attributes: ["xmlns:cdl": "urn:x", "id": "a & b"], line: 3))
        #expect(events.contains(.start(name: "Item", attributes: ["n": "1"], line: 4)) && events.contains(.end(name: "Item", line: 4)))
        let note = events.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined()
        #expect(note.contains("5 < 6 ☺ A<raw & kept>"), "\(note)")
        #expect(events.last == .end(name: "cdl:List", line: 6))
    }

    @Test func malformedXMLIsRefusedNamingTheLine() {
        let cases: [(String, String)] = [
            ("<a>\n<b>\n</a>", "x.xml:3: </a> closes <b>"),
            ("<a>\n<b>", "x.xml:2: cut short: <b> is never closed"),
            ("<a/><b/>", "x.xml:1: more than one root element"),
            ("<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a/>", "x.xml:1: a DOCTYPE or declaration: not read here"),
            ("<a>\n&bogus;</a>", "x.xml:2: unknown entity &bogus;"),
            ("<a>\nAT&T</a>", "x.xml:2: a bare & (write &amp;)"),
            ("<a x=1/>", "x.xml:1: attribute x of <a>: the value is not quoted"),
            ("<a x='1' x='2'/>", "x.xml:1: attribute x of <a> is given twice"),
            ("<a>\n<!-- never closed", "x.xml:2: cut short: a comment is never closed"),
            ("<a><?instruction", "x.xml:1: cut short: a processing instruction is never closed"),
            ("text", "x.xml:1: text outside the root element"),
            ("", "x.xml:1: no element: not XML"),
            ("<a>&#0;</a>", "x.xml:1: unknown entity &#0;"),
            (String(repeating: "<a>", count: 300), "elements nest deeper than 256"),
        ]
        for (text, wanted) in cases {
            do {
                _ = try XMLReader.events(Data(text.utf8), file: "x.xml")
                Issue.record("accepted: \(wanted)")
            } catch {
                #expect(error.description.hasPrefix(wanted) || error.description.contains(wanted), "\(error) — wanted \(wanted)")
            }
        }
        #expect(throws: FileProblem(file: "x.xml", line: 2, message: "not UTF-8 text")) {
            _ = try XMLReader.events(Data("<a>\n".utf8) + Data([0xC3, 0x28]) + Data("</a>".utf8), file: "x.xml")
        }
    }
}
