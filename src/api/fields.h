// Field selectors (`?fieldSelector=`), as k8s.io/apimachinery/pkg/fields/selector.go parses and
// matches them:
//
//   <selector> ::= <term> | <term> "," <selector>            (ANDed; empty terms are skipped)
//   <term>     ::= FIELD ("=" | "==" | "!=") VALUE
//
// The operator is the first "!=", "==" or "=" in the term; nothing is trimmed. In VALUE the
// characters '\', ',' and '=' must be escaped with '\' ("a\,b" is "a,b"). "==" is recorded as
// "=". A field the object does not have compares as "". The empty string selects everything.
//
// A FieldSelector is an immutable value (copyable); all methods are const and thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace orchd::api {

class FieldSelector {
 public:
  enum class Op { kEquals, kNotEquals };
  struct Requirement {
    std::string field;
    Op op = Op::kEquals;
    std::string value;  // unescaped
  };
  // Returns the value of a field of the object being matched, nullopt when it has none.
  using FieldGetter = std::function<std::optional<std::string>(std::string_view field)>;

  // Selects everything.
  FieldSelector() = default;

  // Parses the string form; terms are kept sorted by their text, as upstream does. kBadRequest
  // with upstream's message:
  //   "invalid selector: 'a'; can't understand 'a'"
  //   "invalid field selector: invalid escape sequence: \x"
  //   "invalid field selector: unescaped character in value: 61"   (upstream prints the rune's
  //                                                                  number: 61 is '=', 44 ',')
  static Result<FieldSelector> Parse(std::string_view selector);

  // True when every requirement holds for the values `get` returns.
  bool Matches(const FieldGetter& get) const;
  bool Empty() const { return requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }

  // kBadRequest "field label not supported: <field>" for the first field not in `supported`.
  Status CheckSupported(const std::vector<std::string_view>& supported) const;

  // The value `field` must equal when the selector has an "=" requirement on it.
  std::optional<std::string> RequiresExactMatch(std::string_view field) const;

  // Canonical form: "f=v" / "f!=v" joined by ",", values escaped.
  std::string ToString() const;

 private:
  std::vector<Requirement> requirements_;
};

// `value` with '\', ',' and '=' escaped for use in a field selector.
std::string EscapeFieldValue(std::string_view value);
// The inverse; kBadRequest for an unknown escape, a trailing '\' or an unescaped ',' or '='.
Result<std::string> UnescapeFieldValue(std::string_view value);

}  // namespace orchd::api
