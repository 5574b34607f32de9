// Label selectors: the `?labelSelector=` string form and the metav1.LabelSelector object form
// used by workload specs, with the grammar, matching and error messages of
// k8s.io/apimachinery/pkg/labels/selector.go and metav1.LabelSelectorAsSelector.
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>       (ANDed)
//   <requirement> ::= ["!"] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=") VALUE
//                                 | (">" | "<") INTEGER ]
//
// Whitespace (space, tab, CR, LF) separates tokens and is otherwise ignored. Keys must be
// qualified names and values label values (see validation.h). "k!=v" and "k notin (...)" also
// match objects without k. The empty string selects everything.
//
// A LabelSelector is an immutable value (copyable); all methods are const and thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/json.h"
#include "common/result.h"

namespace orchd::api {

// The labels of one object.
using Labels = std::map<std::string, std::string, std::less<>>;

// metadata.labels of `obj` (members with string values only; the last of duplicate keys wins).
Labels LabelsFromObject(const JsonValue& obj);

enum class LabelOp {
  kIn,
  kNotIn,
  kEquals,        // "="
  kDoubleEquals,  // "=="
  kNotEquals,     // "!="
  kExists,        // "k"
  kDoesNotExist,  // "!k"
  kGreaterThan,   // ">"
  kLessThan,      // "<"
};

struct LabelRequirement {
  std::string key;
  LabelOp op = LabelOp::kExists;
  // Parsed selectors hold the set sorted and without duplicates; the object form keeps the
  // order given. Exists/DoesNotExist: empty; =, ==, !=, >, <: one value.
  std::vector<std::string> values;

  bool Matches(const Labels& labels) const;
  // "k=v", "k in (a,b)", "!k", "k>3" (values sorted in the output).
  std::string ToString() const;
};

class LabelSelector {
 public:
  // Selects everything.
  LabelSelector() = default;

  static LabelSelector Everything() { return {}; }
  // Selects nothing (a null metav1.LabelSelector).
  static LabelSelector Nothing();
  // One "key=value" requirement per entry, not validated (upstream SelectorFromSet); an empty
  // set selects everything.
  static LabelSelector FromSet(const Labels& set);

  // Parses the string form. kBadRequest with upstream's message, e.g.
  //   "unable to parse requirement: found '', expected: in, notin, =, ==, !=, gt, lt"
  //   "found ',', expected: identifier after ','"
  static Result<LabelSelector> Parse(std::string_view selector);

  // The metav1.LabelSelector object form {matchLabels:{k:v}, matchExpressions:[{key, operator:
  // In|NotIn|Exists|DoesNotExist, values:[...]}]}. null selects nothing, {} everything.
  // kInvalid with upstream's message (`"Foo" is not a valid label selector operator`, or the
  // requirement's field errors such as `values: Invalid value: []string(nil): ...`).
  static Result<LabelSelector> FromLabelSelectorJson(const JsonValue& selector);

  // True when every requirement matches (always for Empty(), never for Nothing()).
  bool Matches(const Labels& labels) const;
  // True when the selector does not restrict (no requirements, not Nothing()).
  bool Empty() const { return !nothing_ && requirements_.empty(); }
  bool MatchesNothing() const { return nothing_; }

  // Canonical string form: requirements sorted by key, joined by ","; "" for Everything and
  // Nothing.
  std::string ToString() const;

  // The value `label` must have when a requirement on it is "=", "==" or a one-value "in".
  std::optional<std::string> RequiresExactMatch(std::string_view label) const;

  const std::vector<LabelRequirement>& requirements() const { return requirements_; }

 private:
  bool nothing_ = false;
  std::vector<LabelRequirement> requirements_;  // sorted by key (stable)
};

}  // namespace orchd::api
