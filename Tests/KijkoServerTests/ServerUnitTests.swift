import Foundation
import Testing
import KijkoCore
import KijkoPipeline
@testable import KijkoServer

/// The server's parsers and rules, each on its own.
struct ServerUnitTests {
    @Test func byteRanges() {
        #expect(ByteRange.parse(nil, size: 100) == .whole)
        #expect(ByteRange.parse("bytes=0-9", size: 100) == .part(0...9))
        #expect(ByteRange.parse("bytes=90-200", size: 100) == .part(90...99))
        #expect(ByteRange.parse("bytes=-10", size: 100) == .part(90...99))
        #expect(ByteRange.parse("bytes=-500", size: 100) == .part(0...99))
        #expect(ByteRange.parse("bytes=50-", size: 100) == .part(50...99))
        #expect(ByteRange.parse("bytes=100-", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=-0", size: 100) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=0-1,5-6", size: 100) == .whole)
        #expect(ByteRange.parse("bytes=9-3", size: 100) == .whole)
        #expect(ByteRange.parse("bytes=99999999999999999999999-", size: 100) == .whole)
        #expect(ByteRange.parse("bytes=１-2", size: 100) == .whole)
        #expect(ByteRange.parse("items=0-1", size: 100) == .whole)
    }

    @Test func multipartBodies() throws {
        let body = Data("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.md\"\r\n\r\nline 1\r\nline 2\r\n--b--\r\n".utf8)
        let parts = try MultipartForm.parse(body, boundary: "b")
        #expect(parts.map(\.name) == ["a", "f"] && parts[1].filename == "x.md" && String(decoding: parts[1].body, as: UTF8.self) == "line 1\r\nline 2")
        #expect(MultipartForm.boundary("multipart/form-data; boundary=\"q r\"") == "q r")
        #expect(MultipartForm.boundary("multipart/form-data") == nil)
        for broken in ["", "--b", "--b\r\nno headers end", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever closed",
                       "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"] {
            #expect(throws: MultipartForm.Malformed.self) { try MultipartForm.parse(Data(broken.utf8), boundary: "b") }
        }
    }

    @Test func markdownIsEscaped() {
        let html = Markdown.html("# Title <b>\n\n- one **two**\n- <script>alert(1)</script>\n\n| a | b |\n|---|---|\n| <i> | 2 |\n\n```\n<raw>\n```")
        #expect(html.contains("<h2>Title &lt;b&gt;</h2>"))
        #expect(html.contains("<li>one <strong>two</strong></li>"))
        #expect(!html.contains("<script>") && !html.contains("<i>") && !html.contains("<raw>"))
        #expect(html.contains("<td>&lt;i&gt;</td>"))
    }

    @Test func rolesDecideTheirOwnGates() {
        #expect(PersonRole.creativeDirector.decides(gateRole: "Creative Director"))
        #expect(PersonRole.client.decides(gateRole: "Client"))
        #expect(!PersonRole.client.decides(gateRole: "Creative Director"))
        #expect(PersonRole.admin.decides(gateRole: "Legal"))
        #expect(!PersonRole.producer.decides(gateRole: "Legal"))
        #expect(!PersonRole.client.seesEveryJob && PersonRole.editor.seesEveryJob)
    }

    @Test func nextStaysOnThisServer() {
        #expect(StudioServer.safeNext("/jobs/1") == "/jobs/1")
        for away in ["//evil.example", "https://evil.example", "/\\evil", "jobs", nil, "/a\r\nSet-Cookie: x"] {
            #expect(StudioServer.safeNext(away) == "/")
        }
    }
}
