// YAML <-> JSON, following sigs.k8s.io/yaml (go-yaml v2 underneath).
//
// Parsing runs in two steps, like go-yaml: libyaml events become a small node tree (anchors
// resolved to the nodes they name, nesting depth checked), then the tree becomes JSON (scalars
// resolved, aliases and merge keys expanded under a node budget, keys turned into strings).
// Emitting feeds libyaml's emitter the events go-yaml's encoder would, so quoting, folding and
// indentation come from the same emitter algorithm upstream uses.
#include "api/yaml.h"

#include <yaml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/base64.h"

namespace orchd::api {

namespace {

constexpr std::string_view kTagStr = "tag:yaml.org,2002:str";
constexpr std::string_view kTagBool = "tag:yaml.org,2002:bool";
constexpr std::string_view kTagInt = "tag:yaml.org,2002:int";
constexpr std::string_view kTagFloat = "tag:yaml.org,2002:float";
constexpr std::string_view kTagNull = "tag:yaml.org,2002:null";
constexpr std::string_view kTagTimestamp = "tag:yaml.org,2002:timestamp";
constexpr std::string_view kTagBinary = "tag:yaml.org,2002:binary";
constexpr std::string_view kTagMerge = "tag:yaml.org,2002:merge";
constexpr std::string_view kLongTagPrefix = "tag:yaml.org,2002:";

// "error converting YAML to JSON: <what>" (sigs.k8s.io/yaml's wrapping).
template <typename... Args>
Status ConvertError(fmt::format_string<Args...> format, Args&&... args) {
  return Status(Code::kBadRequest, "error converting YAML to JSON: " +
                                       fmt::format(format, std::forward<Args>(args)...));
}
// "... yaml: <what>" for errors go-yaml itself reports.
template <typename... Args>
Status YamlError(fmt::format_string<Args...> format, Args&&... args) {
  return ConvertError("yaml: {}", fmt::format(format, std::forward<Args>(args)...));
}

std::string ShortTag(std::string_view tag) {
  if (tag.starts_with(kLongTagPrefix)) return "!!" + std::string(tag.substr(kLongTagPrefix.size()));
  return std::string(tag);
}

// ---------------------------------------------------------------------------------------------
// Scalar resolution (go-yaml v2 resolve.go).

enum class ScalarType { kNull, kBool, kInt, kUint, kBigInt, kFloat, kString, kTimestamp, kMerge };

struct Scalar {
  ScalarType type = ScalarType::kString;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;  // kFloat, and kBigInt's nearest double
};

std::string_view TagOf(ScalarType type) {
  switch (type) {
    case ScalarType::kNull:
      return kTagNull;
    case ScalarType::kBool:
      return kTagBool;
    case ScalarType::kInt:
    case ScalarType::kUint:
    case ScalarType::kBigInt:
      return kTagInt;
    case ScalarType::kFloat:
      return kTagFloat;
    case ScalarType::kString:
      return kTagStr;
    case ScalarType::kTimestamp:
      return kTagTimestamp;
    case ScalarType::kMerge:
      return kTagMerge;
  }
  return kTagStr;
}

// The words go-yaml resolves by table lookup.
std::optional<Scalar> LookupWord(std::string_view in) {
  struct Word {
    std::string_view text;
    ScalarType type;
    bool b;
    double d;
  };
  constexpr double kInf = HUGE_VAL;
  static constexpr Word kWords[] = {
      {"y", ScalarType::kBool, true, 0},           {"Y", ScalarType::kBool, true, 0},
      {"yes", ScalarType::kBool, true, 0},         {"Yes", ScalarType::kBool, true, 0},
      {"YES", ScalarType::kBool, true, 0},         {"true", ScalarType::kBool, true, 0},
      {"True", ScalarType::kBool, true, 0},        {"TRUE", ScalarType::kBool, true, 0},
      {"on", ScalarType::kBool, true, 0},          {"On", ScalarType::kBool, true, 0},
      {"ON", ScalarType::kBool, true, 0},          {"n", ScalarType::kBool, false, 0},
      {"N", ScalarType::kBool, false, 0},          {"no", ScalarType::kBool, false, 0},
      {"No", ScalarType::kBool, false, 0},         {"NO", ScalarType::kBool, false, 0},
      {"false", ScalarType::kBool, false, 0},      {"False", ScalarType::kBool, false, 0},
      {"FALSE", ScalarType::kBool, false, 0},      {"off", ScalarType::kBool, false, 0},
      {"Off", ScalarType::kBool, false, 0},        {"OFF", ScalarType::kBool, false, 0},
      {"", ScalarType::kNull, false, 0},           {"~", ScalarType::kNull, false, 0},
      {"null", ScalarType::kNull, false, 0},       {"Null", ScalarType::kNull, false, 0},
      {"NULL", ScalarType::kNull, false, 0},       {".nan", ScalarType::kFloat, false, NAN},
      {".NaN", ScalarType::kFloat, false, NAN},    {".NAN", ScalarType::kFloat, false, NAN},
      {".inf", ScalarType::kFloat, false, kInf},   {".Inf", ScalarType::kFloat, false, kInf},
      {".INF", ScalarType::kFloat, false, kInf},   {"+.inf", ScalarType::kFloat, false, kInf},
      {"+.Inf", ScalarType::kFloat, false, kInf},  {"+.INF", ScalarType::kFloat, false, kInf},
      {"-.inf", ScalarType::kFloat, false, -kInf}, {"-.Inf", ScalarType::kFloat, false, -kInf},
      {"-.INF", ScalarType::kFloat, false, -kInf}, {"<<", ScalarType::kMerge, false, 0},
  };
  for (const Word& w : kWords) {
    if (w.text == in) return Scalar{.type = w.type, .b = w.b, .d = w.d};
  }
  return std::nullopt;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

enum class NumError { kNone, kSyntax, kRange };

// Go's strconv.ParseUint(s, 0, 64): optional 0x/0o/0b or leading-0 octal prefix, no sign.
NumError GoParseUint(std::string_view s, uint64_t* out) {
  if (s.empty()) return NumError::kSyntax;
  unsigned base = 10;
  if (s[0] == '0') {
    const char p = s.size() >= 3 ? static_cast<char>(s[1] | 0x20) : '\0';
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  uint64_t n = 0;
  for (char c : s) {
    unsigned d = 0;
    if (IsDigit(c)) {
      d = static_cast<unsigned>(c - '0');
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      d = static_cast<unsigned>((c | 0x20) - 'a') + 10;
    } else {
      return NumError::kSyntax;
    }
    if (d >= base) return NumError::kSyntax;
    if (n > (UINT64_MAX - d) / base) return NumError::kRange;
    n = n * base + d;
  }
  *out = n;
  return NumError::kNone;
}

// Go's strconv.ParseInt(s, 0, 64): an optional sign, then as GoParseUint.
NumError GoParseInt(std::string_view s, int64_t* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t u = 0;
  NumError err = GoParseUint(s, &u);
  if (err != NumError::kNone) return err;
  constexpr uint64_t kCutoff = uint64_t{1} << 63;
  if ((!neg && u >= kCutoff) || (neg && u > kCutoff)) return NumError::kRange;
  *out = neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
  return NumError::kNone;
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool IsYamlStyleFloat(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// Go's strconv.ParseFloat for text matching IsYamlStyleFloat; nullopt on overflow.
std::optional<double> ParseDecimalFloat(std::string_view s) {
  const std::string text(s.starts_with('+') ? s.substr(1) : s);
  double d = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec == std::errc::result_out_of_range) {
    d = std::strtod(text.c_str(), nullptr);  // overflow gives HUGE_VAL, underflow 0
  } else if (ec != std::errc() || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  if (std::isinf(d)) return std::nullopt;
  return d;
}

// Go's time.Parse with go-yaml's layouts: 2006-1-2, 2006-1-2 15:4:5.999999999 and
// 2006-1-2T15:4:5.999999999Z07:00 (T or t). Only decides the type: the text stays a string.
bool IsTimestamp(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i != 4 || i == s.size() || s[i] != '-') return false;
  auto num = [&](int* out) {  // one or two digits
    if (i >= s.size() || !IsDigit(s[i])) return false;
    *out = s[i++] - '0';
    if (i < s.size() && IsDigit(s[i])) *out = *out * 10 + (s[i++] - '0');
    return true;
  };
  auto expect = [&](char c) {
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
  };
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int month = 0;
  int day = 0;
  i = 5;
  if (!num(&month) || !expect('-') || !num(&day)) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return false;
  if (i == s.size()) return true;
  const char sep = s[i++];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!num(&hour) || !expect(':') || !num(&minute) || !expect(':') || !num(&second)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && IsDigit(s[i + 1])) {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (sep == ' ') return i == s.size();
  if (i < s.size() && s[i] == 'Z') return i + 1 == s.size();
  // ±hh:mm
  if (s.size() - i != 6 || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':') return false;
  return IsDigit(s[i + 1]) && IsDigit(s[i + 2]) && IsDigit(s[i + 4]) && IsDigit(s[i + 5]);
}

// The nearest double of an integer too large for 64 bits (go-yaml keeps it as a big.Int, which
// encoding/json writes as digits that JSON readers take as a double).
std::optional<double> BigIntValue(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  unsigned base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
    s.remove_prefix(p == 'x' || p == 'b' || p == 'o' ? 2 : 1);
  }
  if (s.empty()) return std::nullopt;
  double d = 0;
  for (char c : s) {
    const unsigned v =
        IsDigit(c) ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a') + 10;
    if (v >= base) return std::nullopt;
    d = d * base + v;
  }
  if (std::isinf(d)) return std::nullopt;
  return neg ? -d : d;
}

// go-yaml's resolve() for an untagged plain scalar.
Scalar ResolvePlain(std::string_view in, bool try_timestamp) {
  const Scalar str;
  if (std::optional<Scalar> word = LookupWord(in)) return *word;
  const char c = in[0];  // in is not empty: "" is a word
  if (c == '.') {
    if (!IsYamlStyleFloat(in)) return str;
    std::optional<double> d = ParseDecimalFloat(in);
    return d ? Scalar{.type = ScalarType::kFloat, .d = *d} : str;
  }
  if (!IsDigit(c) && c != '+' && c != '-') return str;
  if (try_timestamp && IsTimestamp(in)) return Scalar{.type = ScalarType::kTimestamp};
  std::string plain;
  for (char ch : in) {
    if (ch != '_') plain.push_back(ch);
  }
  int64_t i = 0;
  if (GoParseInt(plain, &i) == NumError::kNone) return Scalar{.type = ScalarType::kInt, .i = i};
  uint64_t u = 0;
  const NumError uerr = GoParseUint(plain, &u);
  if (uerr == NumError::kNone) return Scalar{.type = ScalarType::kUint, .u = u};
  if (IsYamlStyleFloat(plain)) {
    if (std::optional<double> d = ParseDecimalFloat(plain)) {
      return Scalar{.type = ScalarType::kFloat, .d = *d};
    }
  }
  if (uerr == NumError::kRange) {
    if (std::optional<double> d = BigIntValue(plain)) {
      return Scalar{.type = ScalarType::kBigInt, .d = *d};
    }
  }
  return str;
}

bool Resolvable(std::string_view tag) {
  return tag.empty() || tag == kTagStr || tag == kTagBool || tag == kTagInt || tag == kTagFloat ||
         tag == kTagNull || tag == kTagTimestamp;
}

// go-yaml's resolve(tag, in): what a scalar with this (long) tag and text stands for.
Result<Scalar> Resolve(std::string_view tag, std::string_view in) {
  if (!Resolvable(tag) || tag == kTagStr) return Scalar{};
  Scalar s = ResolvePlain(in, tag.empty() || tag == kTagTimestamp);
  const std::string_view rtag = TagOf(s.type);
  if (tag.empty() || tag == rtag) return s;
  if (tag == kTagFloat && s.type == ScalarType::kInt) {
    return Scalar{.type = ScalarType::kFloat, .d = static_cast<double>(s.i)};
  }
  return YamlError("cannot decode {} `{}` as a {}", ShortTag(rtag), in, ShortTag(tag));
}

// Go's strconv.FormatFloat(d, 'g', -1, bits).
std::string GoFormatFloat(double d, int bits) {
  if (std::isnan(d)) return "NaN";
  char buf[64];
  std::to_chars_result r{};
  if (bits == 32) {
    const auto f = static_cast<float>(d);
    if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
    r = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  } else {
    if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
    r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  }
  // buf holds [-]d[.ddd]e±XX: split it into sign, digits and decimal exponent.
  const std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  const size_t e = sci.find('e');
  std::string_view mantissa = sci.substr(0, e);
  std::string out;
  if (mantissa.starts_with('-')) {
    out.push_back('-');
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  int exp = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text.starts_with('+')) exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);
  const int nd = static_cast<int>(digits.size());
  if (exp < -4 || exp >= 6) {  // %e, with at least two exponent digits
    out += digits[0];
    if (nd > 1) out += "." + digits.substr(1);
    out += fmt::format("e{}{:02d}", exp < 0 ? '-' : '+', std::abs(exp));
    return out;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  const int int_digits = exp + 1;
  if (nd <= int_digits) {
    return out + digits + std::string(static_cast<size_t>(int_digits - nd), '0');
  }
  return out + digits.substr(0, static_cast<size_t>(int_digits)) + "." +
         digits.substr(static_cast<size_t>(int_digits));
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // n continuation bytes; overlong forms (below `min`) are invalid.
    const size_t n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
    if (n == 0) return false;
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    const uint32_t min = kMin[n];
    uint32_t cp = c & (0x7Fu >> (n + 1));
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// libyaml events -> node tree.

enum class NodeKind { kScalar, kSequence, kMapping, kAlias };

struct Node {
  NodeKind kind = NodeKind::kScalar;
  bool plain = false;                 // scalar: plain style without a tag (resolved by content)
  std::string tag;                    // long form, "" when none
  std::string value;                  // scalar text; anchor name for an alias
  std::vector<const Node*> children;  // sequence items; mapping keys and values interleaved
  const Node* target = nullptr;       // alias: the anchored node
};

// One document's nodes. Nodes point at each other; the deque keeps their addresses stable.
struct Document {
  std::deque<Node> nodes;
  const Node* root = nullptr;
};

class Parser {
 public:
  explicit Parser(std::string_view text) {
    ok_ = yaml_parser_initialize(&parser_) != 0;
    if (ok_) {
      // libyaml asserts on a null input pointer, which an empty string_view may have.
      const char* data = text.empty() ? "" : text.data();
      yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(data),
                                   text.size());
    }
  }
  ~Parser() {
    if (ok_) yaml_parser_delete(&parser_);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  bool ok() const { return ok_; }
  yaml_parser_t* get() { return &parser_; }

 private:
  yaml_parser_t parser_{};
  bool ok_ = false;
};

// go-yaml's parser.fail(): scanner errors report a 1-based line, parser errors the 0-based line
// of the offending token (as upstream prints them), reader errors none.
Status ParserError(const yaml_parser_t& p) {
  size_t line = 0;
  if (p.problem_mark.line != 0) {
    line = p.problem_mark.line;
    if (p.error == YAML_SCANNER_ERROR) ++line;
  } else if (p.context_mark.line != 0) {
    line = p.context_mark.line;
  }
  const char* problem = p.problem != nullptr ? p.problem : "unknown problem parsing YAML content";
  if (line != 0) return YamlError("line {}: {}", line, problem);
  return YamlError("{}", problem);
}

class Event {
 public:
  Event() = default;
  ~Event() { Reset(); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  Status Next(yaml_parser_t* parser) {
    Reset();
    if (yaml_parser_parse(parser, &event_) == 0) return ParserError(*parser);
    live_ = true;
    return Status::Ok();
  }
  const yaml_event_t& get() const { return event_; }
  yaml_event_type_t type() const { return event_.type; }

 private:
  void Reset() {
    if (live_) yaml_event_delete(&event_);
    live_ = false;
  }
  yaml_event_t event_{};
  bool live_ = false;
};

std::string Text(const yaml_char_t* s) {
  return s == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(s));
}

class TreeBuilder {
 public:
  explicit TreeBuilder(yaml_parser_t* parser) : parser_(parser) {}

  // Reads STREAM-START.
  Status Start() {
    Event ev;
    return ev.Next(parser_);
  }

  // The next document of the stream, or nullptr at its end.
  Result<std::unique_ptr<Document>> NextDocument() {
    Event ev;
    ORCHD_RETURN_IF_ERROR(ev.Next(parser_));
    if (ev.type() == YAML_STREAM_END_EVENT) return std::unique_ptr<Document>();
    auto doc = std::make_unique<Document>();
    doc_ = doc.get();
    anchors_.clear();
    ORCHD_RETURN_IF_ERROR(ev.Next(parser_));
    ORCHD_ASSIGN_OR_RETURN(doc->root, ReadNode(ev, 1));
    ORCHD_RETURN_IF_ERROR(ev.Next(parser_));  // DOCUMENT-END
    return doc;
  }

 private:
  Node& NewNode(NodeKind kind, const yaml_char_t* anchor) {
    Node& n = doc_->nodes.emplace_back();
    n.kind = kind;
    // Registered before the children are read, as go-yaml does, so that an alias inside its own
    // anchor finds it (and conversion reports the cycle).
    if (anchor != nullptr) anchors_[Text(anchor)] = &n;
    return n;
  }

  Result<const Node*> ReadNode(const Event& ev, int depth) {
    const yaml_event_t& e = ev.get();
    switch (e.type) {
      case YAML_SCALAR_EVENT: {
        Node& n = NewNode(NodeKind::kScalar, e.data.scalar.anchor);
        n.tag = Text(e.data.scalar.tag);
        n.plain = e.data.scalar.plain_implicit != 0;
        n.value.assign(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        return &n;
      }
      case YAML_ALIAS_EVENT: {
        std::string name = Text(e.data.alias.anchor);
        auto it = anchors_.find(name);
        if (it == anchors_.end()) return YamlError("unknown anchor '{}' referenced", name);
        Node& n = NewNode(NodeKind::kAlias, nullptr);
        n.value = std::move(name);
        n.target = it->second;
        return &n;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (depth > kMaxYamlDepth) return YamlError("exceeded max depth of {}", kMaxYamlDepth);
        const bool seq = e.type == YAML_SEQUENCE_START_EVENT;
        Node& n = NewNode(seq ? NodeKind::kSequence : NodeKind::kMapping,
                          seq ? e.data.sequence_start.anchor : e.data.mapping_start.anchor);
        n.tag = Text(seq ? e.data.sequence_start.tag : e.data.mapping_start.tag);
        const yaml_event_type_t end = seq ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
        Event child;
        while (true) {
          ORCHD_RETURN_IF_ERROR(child.Next(parser_));
          if (child.type() == end) break;
          ORCHD_ASSIGN_OR_RETURN(const Node* c, ReadNode(child, depth + 1));
          n.children.push_back(c);
        }
        return &n;
      }
      default:
        return YamlError("unexpected event {}", static_cast<int>(e.type));
    }
  }

  yaml_parser_t* parser_;
  Document* doc_ = nullptr;
  std::unordered_map<std::string, const Node*> anchors_;
};

// ---------------------------------------------------------------------------------------------
// Node tree -> JSON.

// A JSON object under construction: keys set twice keep their first position and last value.
class ObjectBuilder {
 public:
  explicit ObjectBuilder(JsonValue& obj) : obj_(obj) { obj_.SetObject(); }

  void Set(const std::string& key, JsonValue value, JsonAlloc& alloc) {
    auto [it, added] = index_.try_emplace(key, obj_.MemberCount());
    if (!added) {
      (obj_.MemberBegin() + it->second)->value = value;
      return;
    }
    obj_.AddMember(StringValue(key, alloc), value, alloc);
  }

 private:
  JsonValue& obj_;
  std::unordered_map<std::string, rapidjson::SizeType> index_;
};

bool IsMergeKey(const Node& n) {
  return n.kind == NodeKind::kScalar && n.value == "<<" && (n.plain || n.tag == kTagMerge);
}

class Converter {
 public:
  explicit Converter(JsonAlloc& alloc) : alloc_(alloc) {}

  Status Convert(const Node& n, int depth, JsonValue& out) {
    ORCHD_RETURN_IF_ERROR(Count());
    switch (n.kind) {
      case NodeKind::kAlias: {
        ORCHD_RETURN_IF_ERROR(EnterAlias(n));
        Status s = Convert(*n.target, depth, out);
        LeaveAlias(n);
        return s;
      }
      case NodeKind::kScalar:
        return ConvertScalar(n, out);
      case NodeKind::kSequence: {
        if (depth > kMaxYamlDepth) return YamlError("exceeded max depth of {}", kMaxYamlDepth);
        out.SetArray();
        out.Reserve(static_cast<rapidjson::SizeType>(n.children.size()), alloc_);
        for (const Node* c : n.children) {
          JsonValue item;
          ORCHD_RETURN_IF_ERROR(Convert(*c, depth + 1, item));
          out.PushBack(item, alloc_);
        }
        return Status::Ok();
      }
      case NodeKind::kMapping: {
        if (depth > kMaxYamlDepth) return YamlError("exceeded max depth of {}", kMaxYamlDepth);
        ObjectBuilder obj(out);
        return ConvertMappingInto(n, depth, obj);
      }
    }
    return Status::Ok();
  }

 private:
  Status Count() {
    if (++nodes_ > kMaxYamlNodes) {
      if (alias_depth_ > 0) return YamlError("document contains excessive aliasing");
      return YamlError("document has more than {} nodes", kMaxYamlNodes);
    }
    return Status::Ok();
  }

  // Counts scalar text produced by alias expansion (`aliased` for a key that is an alias).
  Status CountBytes(size_t n, bool aliased) {
    if (alias_depth_ == 0 && !aliased) return Status::Ok();
    alias_bytes_ += static_cast<int64_t>(n);
    if (alias_bytes_ > kMaxYamlAliasBytes) {
      return YamlError("document contains excessive aliasing");
    }
    return Status::Ok();
  }

  Status EnterAlias(const Node& alias) {
    if (!active_aliases_.insert(&alias).second) {
      return YamlError("anchor '{}' value contains itself", alias.value);
    }
    ++alias_depth_;
    return Status::Ok();
  }
  void LeaveAlias(const Node& alias) {
    active_aliases_.erase(&alias);
    --alias_depth_;
  }

  // The value of a scalar node as go-yaml decodes it into interface{}.
  Result<Scalar> Decode(const Node& n, std::string* text) {
    if (n.tag.empty() && !n.plain) return Scalar{};
    if (n.tag == kTagBinary) {
      std::string b64;
      for (char c : n.value) {
        if (c != '\n' && c != '\r') b64.push_back(c);
      }
      std::optional<std::string> data = Base64Decode(b64);
      if (!data) return YamlError("!!binary value contains invalid base64 data");
      *text = std::move(*data);
      return Scalar{};
    }
    return Resolve(n.tag, n.value);
  }

  Status ConvertScalar(const Node& n, JsonValue& out) {
    std::string binary;
    ORCHD_ASSIGN_OR_RETURN(Scalar s, Decode(n, &binary));
    switch (s.type) {
      case ScalarType::kNull:
        out.SetNull();
        break;
      case ScalarType::kBool:
        out.SetBool(s.b);
        break;
      case ScalarType::kInt:
        out.SetInt64(s.i);
        break;
      case ScalarType::kUint:
        out.SetUint64(s.u);
        break;
      case ScalarType::kBigInt:
      case ScalarType::kFloat: {
        if (!std::isfinite(s.d)) {
          return ConvertError("json: unsupported value: {}", GoFormatFloat(s.d, 64));
        }
        // encoding/json writes integral floats below 1e21 as plain digits, which read back as
        // integers: match that so `replicas: 3.0` decodes like `replicas: 3`.
        constexpr double kTwo63 = 9223372036854775808.0;
        if (std::trunc(s.d) == s.d && s.d >= -kTwo63 && s.d < kTwo63) {
          out.SetInt64(static_cast<int64_t>(s.d));
        } else if (std::trunc(s.d) == s.d && s.d >= 0 && s.d < 2 * kTwo63) {
          out.SetUint64(static_cast<uint64_t>(s.d));
        } else {
          out.SetDouble(s.d);
        }
        break;
      }
      case ScalarType::kString:
      case ScalarType::kTimestamp:
      case ScalarType::kMerge: {
        const std::string& text = n.tag == kTagBinary ? binary : n.value;
        ORCHD_RETURN_IF_ERROR(CountBytes(text.size(), /*aliased=*/false));
        out = StringValue(text, alloc_);
        break;
      }
    }
    return Status::Ok();
  }

  // The JSON member name of a mapping key, as sigs.k8s.io/yaml derives it.
  Result<std::string> KeyString(const Node& key, const JsonValue& value) {
    const Node* n = &key;
    while (n->kind == NodeKind::kAlias) n = n->target;
    if (n->kind != NodeKind::kScalar) {
      JsonValue k;
      ORCHD_RETURN_IF_ERROR(Convert(key, 1, k));
      return YamlError("invalid map key: {}", ToJson(k));
    }
    std::string binary;
    ORCHD_ASSIGN_OR_RETURN(Scalar s, Decode(*n, &binary));
    ORCHD_RETURN_IF_ERROR(CountBytes(n->value.size(), /*aliased=*/n != &key));
    auto value_text = [&] { return value.IsNull() ? std::string("<nil>") : ToJson(value); };
    switch (s.type) {
      case ScalarType::kString:
      case ScalarType::kTimestamp:
      case ScalarType::kMerge:
        return n->tag == kTagBinary ? binary : n->value;
      case ScalarType::kBool:
        return std::string(s.b ? "true" : "false");
      case ScalarType::kInt:
        return std::to_string(s.i);
      case ScalarType::kFloat: {
        std::string f = GoFormatFloat(s.d, 32);
        if (f == "+Inf") return std::string(".inf");
        if (f == "-Inf") return std::string("-.inf");
        if (f == "NaN") return std::string(".nan");
        return f;
      }
      case ScalarType::kNull:
        return ConvertError("Unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
                            value_text());
      case ScalarType::kUint:
        return ConvertError("Unsupported map key of type: uint64, key: {:#x}, value: {}", s.u,
                            value_text());
      case ScalarType::kBigInt:
        return ConvertError("Unsupported map key of type: *big.Int, key: {}, value: {}", n->value,
                            value_text());
    }
    return n->value;
  }

  Status ConvertMappingInto(const Node& n, int depth, ObjectBuilder& obj) {
    for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
      const Node& key = *n.children[i];
      const Node& value = *n.children[i + 1];
      if (IsMergeKey(key)) {
        ORCHD_RETURN_IF_ERROR(Merge(value, depth, obj));
        continue;
      }
      ORCHD_RETURN_IF_ERROR(Count());
      JsonValue v;
      ORCHD_RETURN_IF_ERROR(Convert(value, depth + 1, v));
      ORCHD_ASSIGN_OR_RETURN(std::string k, KeyString(key, v));
      obj.Set(k, std::move(v), alloc_);
    }
    return Status::Ok();
  }

  // A `<<` merge: a mapping, an alias of one, or a sequence of those (earlier ones win).
  Status Merge(const Node& value, int depth, ObjectBuilder& obj) {
    auto merge_one = [&](const Node& m) -> Status {
      ORCHD_RETURN_IF_ERROR(Count());
      const Node* target = m.kind == NodeKind::kAlias ? m.target : &m;
      if (target->kind != NodeKind::kMapping) {
        return YamlError("map merge requires map or sequence of maps as the value");
      }
      if (m.kind != NodeKind::kAlias) return ConvertMappingInto(m, depth, obj);
      ORCHD_RETURN_IF_ERROR(EnterAlias(m));
      Status s = ConvertMappingInto(*target, depth, obj);
      LeaveAlias(m);
      return s;
    };
    if (value.kind != NodeKind::kSequence) return merge_one(value);
    for (size_t i = value.children.size(); i > 0; --i) {
      ORCHD_RETURN_IF_ERROR(merge_one(*value.children[i - 1]));
    }
    return Status::Ok();
  }

  JsonAlloc& alloc_;
  int64_t nodes_ = 0;
  int64_t alias_bytes_ = 0;
  int alias_depth_ = 0;
  std::unordered_set<const Node*> active_aliases_;
};

// An empty document: nothing, or a scalar that reads as null (kubectl skips these too).
bool IsEmptyDocument(const Document& doc) {
  const Node& root = *doc.root;
  if (root.kind != NodeKind::kScalar || (root.tag.empty() && !root.plain)) return false;
  Result<Scalar> s = Resolve(root.tag, root.value);
  return s.has_value() && s->type == ScalarType::kNull;
}

// ---------------------------------------------------------------------------------------------
// JSON -> YAML.

// ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ (YAML 1.1 sexagesimal numbers).
bool IsBase60Float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i >= s.size() || !IsDigit(s[i])) return false;
  while (i < s.size() && (IsDigit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    if (i + 1 < s.size() && s[i] >= '0' && s[i] <= '5' && IsDigit(s[i + 1])) {
      i += 2;
    } else if (i < s.size() && IsDigit(s[i])) {
      ++i;
    } else {
      return false;
    }
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (IsDigit(s[i]) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

class Emitter {
 public:
  Emitter() {
    ok_ = yaml_emitter_initialize(&emitter_) != 0;
    if (ok_) {
      yaml_emitter_set_output(&emitter_, &Emitter::Write, &out_);
      yaml_emitter_set_unicode(&emitter_, 1);
    }
  }
  ~Emitter() {
    if (ok_) yaml_emitter_delete(&emitter_);
  }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  // Emits `v` as the only document of a stream; false when libyaml refuses an event.
  bool Document(const JsonValue& v) {
    yaml_event_t e;
    if (!ok_) return false;
    if (yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING) == 0 || !Emit(e)) return false;
    if (yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, 1) == 0 || !Emit(e)) {
      return false;
    }
    if (!Value(v)) return false;
    if (yaml_document_end_event_initialize(&e, 1) == 0 || !Emit(e)) return false;
    // As go-yaml does: no "..." after a document that ends open (e.g. with a `|+` scalar).
    emitter_.open_ended = 0;
    return yaml_stream_end_event_initialize(&e) != 0 && Emit(e);
  }

  std::string& out() { return out_; }

 private:
  static int Write(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
  }

  bool Emit(yaml_event_t& e) { return yaml_emitter_emit(&emitter_, &e) != 0; }

  bool Scalar(std::string_view text, std::string_view tag, yaml_scalar_style_t style) {
    yaml_event_t e;
    const std::string tag_text(tag);
    const int implicit = tag.empty() ? 1 : 0;
    return yaml_scalar_event_initialize(
               &e, nullptr,
               tag.empty() ? nullptr : reinterpret_cast<const yaml_char_t*>(tag_text.c_str()),
               reinterpret_cast<const yaml_char_t*>(text.data()), static_cast<int>(text.size()),
               implicit, implicit, style) != 0 &&
           Emit(e);
  }

  // go-yaml's encoder.stringv.
  bool String(std::string_view s) {
    if (!ValidUtf8(s)) {
      std::string b64 = Base64Encode(s);
      if (b64.size() >= 70) {
        std::string lines;
        for (size_t i = 0; i < b64.size(); i += 70) lines += b64.substr(i, 70) + "\n";
        b64 = std::move(lines);
      }
      const bool multiline = b64.find('\n') != std::string::npos;
      return Scalar(b64, kTagBinary,
                    multiline ? YAML_LITERAL_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
    }
    yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;
    if (s.find('\n') != std::string_view::npos) {
      style = YAML_LITERAL_SCALAR_STYLE;
    } else if (ResolvePlain(s, true).type != ScalarType::kString || IsBase60Float(s)) {
      style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    }
    return Scalar(s, {}, style);
  }

  bool Value(const JsonValue& v) {
    yaml_event_t e;
    switch (v.GetType()) {
      case rapidjson::kNullType:
        return Scalar("null", {}, YAML_PLAIN_SCALAR_STYLE);
      case rapidjson::kFalseType:
        return Scalar("false", {}, YAML_PLAIN_SCALAR_STYLE);
      case rapidjson::kTrueType:
        return Scalar("true", {}, YAML_PLAIN_SCALAR_STYLE);
      case rapidjson::kNumberType: {
        std::string text;
        if (v.IsInt64()) {
          text = std::to_string(v.GetInt64());
        } else if (v.IsUint64()) {
          text = std::to_string(v.GetUint64());
        } else {
          text = GoFormatFloat(v.GetDouble(), 64);
          if (text == "+Inf") text = ".inf";
          if (text == "-Inf") text = "-.inf";
          if (text == "NaN") text = ".nan";
        }
        return Scalar(text, {}, YAML_PLAIN_SCALAR_STYLE);
      }
      case rapidjson::kStringType:
        return String(AsView(v));
      case rapidjson::kArrayType: {
        if (yaml_sequence_start_event_initialize(&e, nullptr, nullptr, 1,
                                                 YAML_BLOCK_SEQUENCE_STYLE) == 0 ||
            !Emit(e)) {
          return false;
        }
        for (const JsonValue& item : v.GetArray()) {
          if (!Value(item)) return false;
        }
        return yaml_sequence_end_event_initialize(&e) != 0 && Emit(e);
      }
      case rapidjson::kObjectType: {
        if (yaml_mapping_start_event_initialize(&e, nullptr, nullptr, 1,
                                                YAML_BLOCK_MAPPING_STYLE) == 0 ||
            !Emit(e)) {
          return false;
        }
        for (const auto& m : v.GetObject()) {
          if (!String(AsView(m.name)) || !Value(m.value)) return false;
        }
        return yaml_mapping_end_event_initialize(&e) != 0 && Emit(e);
      }
    }
    return false;
  }

  yaml_emitter_t emitter_{};
  bool ok_ = false;
  std::string out_;
};

}  // namespace

Result<JsonDoc> ParseYaml(std::string_view text) {
  Parser parser(text);
  if (!parser.ok()) return Error(Code::kInternalError, "yaml: cannot initialise the parser");
  TreeBuilder builder(parser.get());
  ORCHD_RETURN_IF_ERROR(builder.Start());
  std::unique_ptr<Document> found;
  while (true) {
    ORCHD_ASSIGN_OR_RETURN(std::unique_ptr<Document> doc, builder.NextDocument());
    if (doc == nullptr) break;
    if (IsEmptyDocument(*doc)) continue;
    if (found != nullptr) return Error(Code::kBadRequest, "expected a single YAML document");
    found = std::move(doc);
  }
  JsonDoc out;
  if (found == nullptr) return out;  // null
  Converter converter(out.GetAllocator());
  ORCHD_RETURN_IF_ERROR(converter.Convert(*found->root, 1, out));
  return out;
}

std::string ToYaml(const JsonValue& v) {
  Emitter emitter;
  if (!emitter.Document(v)) {
    // Cannot happen for a valid value (non-UTF-8 strings go out as !!binary); JSON is YAML, so
    // it is still a correct answer.
    return ToJson(v) + "\n";
  }
  return std::move(emitter.out());
}

bool LooksLikeJson(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
    return c == '{' || c == '[';
  }
  return false;
}

}  // namespace orchd::api
