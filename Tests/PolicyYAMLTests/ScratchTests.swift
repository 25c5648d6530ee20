import PolicySource
import XCTest
@testable import PolicyYAML

final class ScratchTests: XCTestCase {
  func testPrint() {
    let sources = [
      "id: a\nrules: []\nid: b\n",
      "rules:\n  - require: !receivable.financed\n    then: allow\n",
      "require: !!flag\n",
      "rules:\n\t- a\n",
      "rules:\n  - when: x\n\t  then: y\n",
      "when: a ? b : c  # comment\n",
      "- when: x > 1 ? \"a\" : \"b\"\n",
      "a: *nope\n",
      "a: 1\n---\nb: 2\n",
      "? [a]\n: 1\n",
      "k: x\u{01}y\n",
      "name: \"é\"\nkey: [1,\n",
      "k: @x\n",
    ]
    for s in sources { print("-----\n" + s + "=>\n" + rendered(s)) }
  }
}
