#include "api/labels.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <utility>

#include "api/field_error.h"
#include "api/validation.h"

namespace orchd::api {

namespace {

// ---- Requirements ----------------------------------------------------------------------------

// strconv.ParseInt(s, 10, 64): an optional sign, then one or more decimal digits, in range.
std::optional<int64_t> GoParseInt(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (limit - digit) / 10) return std::nullopt;
    n = n * 10 + digit;
  }
  if (!negative) return static_cast<int64_t>(n);
  return n == limit ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(n);
}

// upstream NewRequirement's checks, with its (path-less) field names: "key", "values",
// "values[i]", "values[i][<key>]". `values_nil` tells how Go would print an empty list.
FieldErrors CheckRequirement(const LabelRequirement& r, bool values_nil) {
  FieldErrors errs;
  if (auto msgs = IsQualifiedName(r.key); !msgs.empty()) {
    errs.push_back(FieldInvalid("key", r.key, fmt::format("{}", fmt::join(msgs, "; "))));
  }
  const std::vector<std::string>& vals = r.values;
  std::string rendered = GoStringSlice(vals, values_nil);
  switch (r.op) {
    case LabelOp::kIn:
    case LabelOp::kNotIn:
      if (vals.empty()) {
        errs.push_back(FieldInvalidRendered("values", rendered,
                                            "for 'in', 'notin' operators, values set can't be "
                                            "empty"));
      }
      break;
    case LabelOp::kEquals:
    case LabelOp::kDoubleEquals:
    case LabelOp::kNotEquals:
      if (vals.size() != 1) {
        errs.push_back(FieldInvalidRendered("values", rendered,
                                            "exact-match compatibility requires one single value"));
      }
      break;
    case LabelOp::kExists:
    case LabelOp::kDoesNotExist:
      if (!vals.empty()) {
        errs.push_back(FieldInvalidRendered(
            "values", rendered, "values set must be empty for exists and does not exist"));
      }
      break;
    case LabelOp::kGreaterThan:
    case LabelOp::kLessThan:
      if (vals.size() != 1) {
        errs.push_back(FieldInvalidRendered(
            "values", rendered, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      for (size_t i = 0; i < vals.size(); ++i) {
        if (!GoParseInt(vals[i])) {
          errs.push_back(FieldInvalid(fmt::format("values[{}]", i), vals[i],
                                      "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      }
      break;
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    if (auto msgs = IsValidLabelValue(vals[i]); !msgs.empty()) {
      errs.push_back(FieldInvalid(fmt::format("values[{}][{}]", i, r.key), vals[i],
                                  fmt::format("{}", fmt::join(msgs, "; "))));
    }
  }
  return errs;
}

void SortByKey(std::vector<LabelRequirement>& reqs) {
  std::stable_sort(
      reqs.begin(), reqs.end(),
      [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
}

// ---- Lexer (upstream Lexer: byte-wise; a NUL byte reads as the end of a token) ---------------

enum class Tok {
  kError,
  kEnd,
  kClosePar,
  kComma,
  kNot,
  kDoubleEquals,
  kEquals,
  kGreater,
  kIdent,
  kIn,
  kLess,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

std::optional<Tok> Keyword(std::string_view s) {
  static constexpr std::pair<std::string_view, Tok> kTable[] = {
      {")", Tok::kClosePar},      {",", Tok::kComma},   {"!", Tok::kNot},
      {"==", Tok::kDoubleEquals}, {"=", Tok::kEquals},  {">", Tok::kGreater},
      {"in", Tok::kIn},           {"<", Tok::kLess},    {"!=", Tok::kNotEquals},
      {"notin", Tok::kNotIn},     {"(", Tok::kOpenPar},
  };
  for (const auto& [text, tok] : kTable) {
    if (text == s) return tok;
  }
  return std::nullopt;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsSpecialSymbol(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

struct Item {
  Tok tok;
  std::string lit;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Item Lex() {
    char c = Read();
    while (IsWhitespace(c)) c = Read();
    if (c == 0) return {Tok::kEnd, ""};
    Unread();
    return IsSpecialSymbol(c) ? ScanSpecialSymbol() : ScanIdOrKeyword();
  }

 private:
  char Read() {
    if (pos_ >= s_.size()) return 0;
    return s_[pos_++];
  }
  void Unread() { --pos_; }

  Item ScanIdOrKeyword() {
    std::string buf;
    while (true) {
      char c = Read();
      if (c == 0) break;
      if (IsSpecialSymbol(c) || IsWhitespace(c)) {
        Unread();
        break;
      }
      buf += c;
    }
    if (auto tok = Keyword(buf)) return {*tok, std::move(buf)};
    return {Tok::kIdent, std::move(buf)};
  }

  // The longest run of special symbols that is still a token ("!=", "==", then one symbol).
  Item ScanSpecialSymbol() {
    std::string buf;
    std::optional<Item> last;
    while (true) {
      char c = Read();
      if (c == 0) break;
      if (!IsSpecialSymbol(c)) {
        Unread();
        break;
      }
      buf += c;
      if (auto tok = Keyword(buf)) {
        last = Item{*tok, buf};
      } else if (last) {
        Unread();
        break;
      }
    }
    if (!last) return {Tok::kError, fmt::format("error expected: keyword found '{}'", buf)};
    return std::move(*last);
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// ---- Parser (upstream Parser: recursive descent over the scanned items) ---------------------

enum class Context { kKeyAndOperator, kValues };

class Parser {
 public:
  explicit Parser(std::string_view s) {
    Lexer lexer(s);
    while (true) {
      items_.push_back(lexer.Lex());
      if (items_.back().tok == Tok::kEnd) break;
    }
  }

  Result<std::vector<LabelRequirement>> Parse() {
    std::vector<LabelRequirement> reqs;
    while (true) {
      const Item& ahead = Lookahead(Context::kValues);
      switch (ahead.tok) {
        case Tok::kIdent:
        case Tok::kNot: {
          auto r = ParseRequirement();
          if (!r) return r.error().WithContext("unable to parse requirement");
          reqs.push_back(std::move(*r));
          Item next = Consume(Context::kValues);
          if (next.tok == Tok::kEnd) return reqs;
          if (next.tok != Tok::kComma) {
            return Bad("found '{}', expected: ',' or 'end of string'", next.lit);
          }
          const Item& after = Lookahead(Context::kValues);
          if (after.tok != Tok::kIdent && after.tok != Tok::kNot) {
            return Bad("found '{}', expected: identifier after ','", after.lit);
          }
          break;
        }
        case Tok::kEnd:
          return reqs;
        default:
          return Bad("found '{}', expected: !, identifier, or 'end of string'", ahead.lit);
      }
    }
  }

 private:
  template <typename... Args>
  static Status Bad(fmt::format_string<Args...> format, Args&&... args) {
    return Error(Code::kBadRequest, format, std::forward<Args>(args)...);
  }

  // In a values context the keywords "in" and "notin" are plain identifiers.
  static Item InContext(Item item, Context ctx) {
    if (ctx == Context::kValues && (item.tok == Tok::kIn || item.tok == Tok::kNotIn)) {
      item.tok = Tok::kIdent;
    }
    return item;
  }
  Item Lookahead(Context ctx) const {
    return InContext(items_[std::min(pos_, items_.size() - 1)], ctx);
  }
  Item Consume(Context ctx) {
    Item item = InContext(items_[std::min(pos_, items_.size() - 1)], ctx);
    ++pos_;
    return item;
  }

  Result<LabelRequirement> ParseRequirement() {
    LabelRequirement r;
    bool not_exists = false;
    Item key = Consume(Context::kValues);
    if (key.tok == Tok::kNot) {
      not_exists = true;
      key = Consume(Context::kValues);
    }
    if (key.tok != Tok::kIdent) return Bad("found '{}', expected: identifier", key.lit);
    if (auto msgs = IsQualifiedName(key.lit); !msgs.empty()) {
      // Upstream validates with a nil field path, which prints as "<nil>".
      FieldError e = FieldInvalid("<nil>", key.lit, fmt::format("{}", fmt::join(msgs, "; ")));
      return Bad("{}: {}", e.field, e.message);
    }
    r.key = std::move(key.lit);
    Tok ahead = Lookahead(Context::kValues).tok;
    if (not_exists || ahead == Tok::kEnd || ahead == Tok::kComma) {
      r.op = not_exists ? LabelOp::kDoesNotExist : LabelOp::kExists;
      return Checked(std::move(r));
    }
    Item op = Consume(Context::kKeyAndOperator);
    switch (op.tok) {
      case Tok::kIn:
        r.op = LabelOp::kIn;
        break;
      case Tok::kEquals:
        r.op = LabelOp::kEquals;
        break;
      case Tok::kDoubleEquals:
        r.op = LabelOp::kDoubleEquals;
        break;
      case Tok::kGreater:
        r.op = LabelOp::kGreaterThan;
        break;
      case Tok::kLess:
        r.op = LabelOp::kLessThan;
        break;
      case Tok::kNotIn:
        r.op = LabelOp::kNotIn;
        break;
      case Tok::kNotEquals:
        r.op = LabelOp::kNotEquals;
        break;
      default:
        return Bad("found '{}', expected: in, notin, =, ==, !=, gt, lt", op.lit);
    }
    std::set<std::string> values;
    if (r.op == LabelOp::kIn || r.op == LabelOp::kNotIn) {
      ORCHD_RETURN_IF_ERROR(ParseValues(values));
    } else {
      ORCHD_RETURN_IF_ERROR(ParseExactValue(values));
    }
    r.values.assign(values.begin(), values.end());
    return Checked(std::move(r));
  }

  static Result<LabelRequirement> Checked(LabelRequirement r) {
    FieldErrors errs = CheckRequirement(r, /*values_nil=*/false);
    if (!errs.empty()) return Bad("{}", AggregateFieldErrors(errs));
    return r;
  }

  // "(" [values] ")", where empty entries ("()", "(,a)", "(a,)", "(a,,b)") are "".
  Status ParseValues(std::set<std::string>& values) {
    Item open = Consume(Context::kValues);
    if (open.tok != Tok::kOpenPar) return Bad("found '{}' expected: '('", open.lit);
    const Item ahead = Lookahead(Context::kValues);
    switch (ahead.tok) {
      case Tok::kIdent:
      case Tok::kComma: {
        ORCHD_RETURN_IF_ERROR(ParseIdentifiersList(values));
        if (Consume(Context::kValues).tok != Tok::kClosePar) {
          return Bad("found '{}', expected: ')'", ahead.lit);
        }
        return Status::Ok();
      }
      case Tok::kClosePar:
        Consume(Context::kValues);
        values.insert("");
        return Status::Ok();
      default:
        return Bad("found '{}', expected: ',', ')' or identifier", ahead.lit);
    }
  }

  Status ParseIdentifiersList(std::set<std::string>& values) {
    while (true) {
      Item item = Consume(Context::kValues);
      switch (item.tok) {
        case Tok::kIdent: {
          values.insert(std::move(item.lit));
          const Item next = Lookahead(Context::kValues);
          if (next.tok == Tok::kComma) continue;
          if (next.tok == Tok::kClosePar) return Status::Ok();
          return Bad("found '{}', expected: ',' or ')'", next.lit);
        }
        case Tok::kComma: {
          if (values.empty()) values.insert("");  // "(,"
          Tok next = Lookahead(Context::kValues).tok;
          if (next == Tok::kClosePar) {  // ",)"
            values.insert("");
            return Status::Ok();
          }
          if (next == Tok::kComma) {  // ",,"
            Consume(Context::kValues);
            values.insert("");
          }
          break;
        }
        default:
          return Bad("found '{}', expected: ',', or identifier", item.lit);
      }
    }
  }

  // One value; nothing before "," or the end is "".
  Status ParseExactValue(std::set<std::string>& values) {
    Tok ahead = Lookahead(Context::kValues).tok;
    if (ahead == Tok::kEnd || ahead == Tok::kComma) {
      values.insert("");
      return Status::Ok();
    }
    Item item = Consume(Context::kValues);
    if (item.tok != Tok::kIdent) return Bad("found '{}', expected: identifier", item.lit);
    values.insert(std::move(item.lit));
    return Status::Ok();
  }

  std::vector<Item> items_;
  size_t pos_ = 0;
};

// Shapes Go's decoder would reject before LabelSelectorAsSelector ever ran.
Status WrongShape(std::string_view what, std::string_view want, const JsonValue& v) {
  return Error(Code::kInvalid, "{} must be {}, not {}", what, want, ToJson(v));
}

}  // namespace

// ---- LabelRequirement ------------------------------------------------------------------------

bool LabelRequirement::Matches(const Labels& labels) const {
  auto it = labels.find(key);
  bool has = it != labels.end();
  auto has_value = [&] {
    return std::find(values.begin(), values.end(), it->second) != values.end();
  };
  switch (op) {
    case LabelOp::kIn:
    case LabelOp::kEquals:
    case LabelOp::kDoubleEquals:
      return has && has_value();
    case LabelOp::kNotIn:
    case LabelOp::kNotEquals:
      return !has || !has_value();
    case LabelOp::kExists:
      return has;
    case LabelOp::kDoesNotExist:
      return !has;
    case LabelOp::kGreaterThan:
    case LabelOp::kLessThan: {
      if (!has || values.size() != 1) return false;
      auto have = GoParseInt(it->second);
      auto want = GoParseInt(values[0]);
      if (!have || !want) return false;
      return op == LabelOp::kGreaterThan ? *have > *want : *have < *want;
    }
  }
  return false;
}

std::string LabelRequirement::ToString() const {
  std::string out;
  if (op == LabelOp::kDoesNotExist) out += '!';
  out += key;
  bool set = false;
  switch (op) {
    case LabelOp::kEquals:
      out += '=';
      break;
    case LabelOp::kDoubleEquals:
      out += "==";
      break;
    case LabelOp::kNotEquals:
      out += "!=";
      break;
    case LabelOp::kIn:
      out += " in (";
      set = true;
      break;
    case LabelOp::kNotIn:
      out += " notin (";
      set = true;
      break;
    case LabelOp::kGreaterThan:
      out += '>';
      break;
    case LabelOp::kLessThan:
      out += '<';
      break;
    case LabelOp::kExists:
    case LabelOp::kDoesNotExist:
      return out;
  }
  std::vector<std::string> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  out += fmt::format("{}", fmt::join(sorted, ","));
  if (set) out += ')';
  return out;
}

// ---- LabelSelector ---------------------------------------------------------------------------

LabelSelector LabelSelector::Nothing() {
  LabelSelector s;
  s.nothing_ = true;
  return s;
}

LabelSelector LabelSelector::FromSet(const Labels& set) {
  LabelSelector s;
  for (const auto& [k, v] : set) s.requirements_.push_back({k, LabelOp::kEquals, {v}});
  return s;  // a std::map iterates in key order already
}

Result<LabelSelector> LabelSelector::Parse(std::string_view selector) {
  Parser parser(selector);
  ORCHD_ASSIGN_OR_RETURN(std::vector<LabelRequirement> reqs, parser.Parse());
  LabelSelector s;
  s.requirements_ = std::move(reqs);
  SortByKey(s.requirements_);
  return s;
}

Result<LabelSelector> LabelSelector::FromLabelSelectorJson(const JsonValue& selector) {
  if (selector.IsNull()) return Nothing();
  if (!selector.IsObject()) return WrongShape("a label selector", "an object", selector);
  LabelSelector s;
  auto check = [](const LabelRequirement& r, bool values_nil) -> Status {
    FieldErrors errs = CheckRequirement(r, values_nil);
    if (errs.empty()) return Status::Ok();
    return Error(Code::kInvalid, "{}", AggregateFieldErrors(errs));
  };

  if (const JsonValue* ml = Member(selector, "matchLabels"); ml != nullptr && !ml->IsNull()) {
    if (!ml->IsObject()) return WrongShape("matchLabels", "an object", *ml);
    Labels set;  // like a Go map: the last of duplicate keys wins
    for (const auto& m : ml->GetObject()) {
      if (!m.value.IsString()) {
        return WrongShape(fmt::format("matchLabels[{}]", AsView(m.name)), "a string", m.value);
      }
      set.insert_or_assign(std::string(AsView(m.name)), std::string(AsView(m.value)));
    }
    for (auto& [k, v] : set) {
      LabelRequirement r{k, LabelOp::kEquals, {v}};
      ORCHD_RETURN_IF_ERROR(check(r, false));
      s.requirements_.push_back(std::move(r));
    }
  }

  const JsonValue* exprs = Member(selector, "matchExpressions");
  if (exprs != nullptr && !exprs->IsNull()) {
    if (!exprs->IsArray()) return WrongShape("matchExpressions", "an array", *exprs);
    for (const JsonValue& e : exprs->GetArray()) {
      if (!e.IsObject()) {
        return WrongShape("a matchExpressions entry", "an object", e);
      }
      LabelRequirement r;
      r.key = std::string(GetString(e, "key"));
      std::string_view op = GetString(e, "operator");
      if (op == "In") {
        r.op = LabelOp::kIn;
      } else if (op == "NotIn") {
        r.op = LabelOp::kNotIn;
      } else if (op == "Exists") {
        r.op = LabelOp::kExists;
      } else if (op == "DoesNotExist") {
        r.op = LabelOp::kDoesNotExist;
      } else {
        return Error(Code::kInvalid, "{} is not a valid label selector operator", GoQuote(op));
      }
      const JsonValue* values = Member(e, "values");
      bool values_nil = values == nullptr || values->IsNull() ||
                        (values->IsArray() && values->Empty());  // Go: append(nil, none...)
      if (values != nullptr && !values->IsNull()) {
        if (!values->IsArray()) {
          return WrongShape("values", "an array", *values);
        }
        for (const JsonValue& v : values->GetArray()) {
          if (!v.IsString()) {
            return WrongShape("a value", "a string", v);
          }
          r.values.emplace_back(AsView(v));
        }
      }
      ORCHD_RETURN_IF_ERROR(check(r, values_nil));
      s.requirements_.push_back(std::move(r));
    }
  }
  SortByKey(s.requirements_);
  return s;
}

bool LabelSelector::Matches(const Labels& labels) const {
  if (nothing_) return false;
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const LabelRequirement& r) { return r.Matches(labels); });
}

std::string LabelSelector::ToString() const {
  std::string out;
  for (size_t i = 0; i < requirements_.size(); ++i) {
    if (i > 0) out += ',';
    out += requirements_[i].ToString();
  }
  return out;
}

std::optional<std::string> LabelSelector::RequiresExactMatch(std::string_view label) const {
  for (const LabelRequirement& r : requirements_) {
    if (r.key != label) continue;
    bool exact = r.op == LabelOp::kEquals || r.op == LabelOp::kDoubleEquals || r.op == LabelOp::kIn;
    if (exact && r.values.size() == 1) return r.values[0];
    return std::nullopt;
  }
  return std::nullopt;
}

Labels LabelsFromObject(const JsonValue& obj) {
  Labels labels;
  const JsonValue* l = Path(obj, {"metadata", "labels"});
  if (l == nullptr || !l->IsObject()) return labels;
  for (const auto& m : l->GetObject()) {
    if (m.value.IsString()) {
      labels.insert_or_assign(std::string(AsView(m.name)), std::string(AsView(m.value)));
    }
  }
  return labels;
}

}  // namespace orchd::api
