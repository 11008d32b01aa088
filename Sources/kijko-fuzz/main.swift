import Foundation

// kijko-fuzz TARGET [FILE|FOLDER…]: runs each file (each file in a folder) through a fuzz target
// once — the regression check for inputs that once crashed (Fixtures/fuzz/TARGET). Built by
// `scripts/fuzz` with coverage and -DKIJKO_FUZZ, it is a libFuzzer binary instead: the
// arguments after TARGET are libFuzzer's (corpus folders, -max_total_time=…).

let arguments = CommandLine.arguments
guard arguments.count >= 2, FuzzTargets.names.contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: kijko-fuzz TARGET [FILE|FOLDER…]; targets: \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
    exit(2)
}
let target = arguments[1]

#if KIJKO_FUZZ
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

nonisolated(unsafe) var chosen = ""
chosen = target
// libFuzzer sees the program name and the arguments after TARGET.
var cArguments: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
var count = Int32(cArguments.count - 1)
let status = cArguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return LLVMFuzzerRunDriver(&count, &pointer) { bytes, size in
        FuzzTargets.run(chosen, bytes.map { Data(bytes: $0, count: size) } ?? Data())
        return 0
    }
}
exit(status)
#else
var inputs: [String] = []
for path in arguments.dropFirst(2) {
    var folder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &folder) else {
        FileHandle.standardError.write(Data("kijko-fuzz: \(path): no such file or folder\n".utf8))
        exit(2)
    }
    if folder.boolValue {
        inputs += ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { (path as NSString).appendingPathComponent($0) }
    } else {
        inputs.append(path)
    }
}
for input in inputs {
    guard let data = FileManager.default.contents(atPath: input) else { continue }
    FuzzTargets.run(target, data)
}
print("kijko-fuzz \(target): \(inputs.count) input\(inputs.count == 1 ? "" : "s") ran")
#endif
