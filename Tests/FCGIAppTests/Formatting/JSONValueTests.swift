import FCGIAppCore
import Foundation
import XCTest

final class JSONValueTests: XCTestCase {
  /// Quotes, backslashes and every control character are escaped; other text passes through as UTF-8.
  func testStringsAreEscaped() async throws {
    XCTAssertEqual(JSONValue.quoted(#"a"b\c"#), #""a\"b\\c""#)
    XCTAssertEqual(JSONValue.quoted("\n\r\t\u{8}\u{C}"), #""\n\r\t\b\f""#)
    XCTAssertEqual(JSONValue.quoted("\u{0}\u{1}\u{1F}"), #""\u0000\u0001\u001f""#)
    XCTAssertEqual(JSONValue.quoted("é ✓ 😀 \u{7F}"), "\"é ✓ 😀 \u{7F}\"")
  }

  /// Every one-character string round-trips through a real JSON parser.
  func testEscapedStringsParseBack() async throws {
    for scalar in (0...0x2FF).compactMap(Unicode.Scalar.init) {
      let text = "x" + String(Character(scalar)) + "y"
      let encoded = JSONValue.array([.string(text)]).encoded()
      let decoded = try JSONSerialization.jsonObject(with: Data(encoded)) as? [String]
      XCTAssertEqual(decoded, [text], "U+\(String(scalar.value, radix: 16))")
    }
  }

  /// Objects keep member order; numbers, booleans and null encode compactly; non-finite doubles are null.
  func testValuesEncodeCompactly() async throws {
    let value = JSONValue.object([
      "b": .int(-3),
      "a": .double(2),
      "c": .array([.bool(true), .bool(false), .null, .double(0.25)]),
      "d": .double(.nan),
      "e": .object([:]),
    ])
    XCTAssertEqual(value.text, #"{"b":-3,"a":2.0,"c":[true,false,null,0.25],"d":null,"e":{}}"#)
  }
}
