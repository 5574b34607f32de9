#include "api/fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "api/validation.h"

namespace orchd::api {

namespace {

// Splits at commas that are not escaped by a backslash (upstream splitTerms).
std::vector<std::string> SplitTerms(std::string_view selector) {
  std::vector<std::string> terms;
  if (selector.empty()) return terms;
  size_t start = 0;
  bool in_slash = false;
  for (size_t i = 0; i < selector.size(); ++i) {
    char c = selector[i];
    if (in_slash) {
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',') {
      terms.emplace_back(selector.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.emplace_back(selector.substr(start));
  return terms;
}

struct Split {
  std::string_view lhs;
  std::string_view op;
  std::string_view rhs;
};

// The first position where "!=", "==" or "=" starts (in that order of preference there).
std::optional<Split> SplitTerm(std::string_view term) {
  for (size_t i = 0; i < term.size(); ++i) {
    for (std::string_view op : {"!=", "==", "="}) {
      if (term.substr(i).starts_with(op)) {
        return Split{term.substr(0, i), op, term.substr(i + op.size())};
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::string EscapeFieldValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == ',' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

Result<std::string> UnescapeFieldValue(std::string_view value) {
  if (value.find_first_of("\\,=") == std::string_view::npos) return std::string(value);
  // Upstream walks runes and writes them back with WriteRune, so on this path invalid UTF-8
  // becomes U+FFFD; kept for fidelity.
  std::string out;
  out.reserve(value.size());
  bool in_slash = false;
  while (!value.empty()) {
    DecodedRune d = DecodeRune(value);
    value.remove_prefix(d.size);
    char32_t c = d.rune;
    if (in_slash) {
      if (c != '\\' && c != ',' && c != '=') {
        std::string seq = "\\";
        AppendRune(seq, c);
        return Error(Code::kBadRequest, "invalid field selector: invalid escape sequence: {}", seq);
      }
      AppendRune(out, c);
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',' || c == '=') {
      // Go prints the rune with %v, which is its number.
      return Error(Code::kBadRequest, "invalid field selector: unescaped character in value: {}",
                   static_cast<uint32_t>(c));
    } else {
      AppendRune(out, c);
    }
  }
  if (in_slash) {
    return Error(Code::kBadRequest, "invalid field selector: invalid escape sequence: \\");
  }
  return out;
}

Result<FieldSelector> FieldSelector::Parse(std::string_view selector) {
  std::vector<std::string> parts = SplitTerms(selector);
  std::sort(parts.begin(), parts.end());
  FieldSelector s;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    auto split = SplitTerm(part);
    if (!split) {
      return Error(Code::kBadRequest, "invalid selector: '{}'; can't understand '{}'", selector,
                   part);
    }
    ORCHD_ASSIGN_OR_RETURN(std::string value, UnescapeFieldValue(split->rhs));
    s.requirements_.push_back({std::string(split->lhs),
                               split->op == "!=" ? Op::kNotEquals : Op::kEquals, std::move(value)});
  }
  return s;
}

bool FieldSelector::Matches(const FieldGetter& get) const {
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const Requirement& r) {
    std::string have = get(r.field).value_or("");
    return (have == r.value) == (r.op == Op::kEquals);
  });
}

Status FieldSelector::CheckSupported(const std::vector<std::string_view>& supported) const {
  for (const Requirement& r : requirements_) {
    if (std::find(supported.begin(), supported.end(), r.field) == supported.end()) {
      return Error(Code::kBadRequest, "field label not supported: {}", r.field);
    }
  }
  return Status::Ok();
}

std::optional<std::string> FieldSelector::RequiresExactMatch(std::string_view field) const {
  for (const Requirement& r : requirements_) {
    if (r.field == field && r.op == Op::kEquals) return r.value;
  }
  return std::nullopt;
}

std::string FieldSelector::ToString() const {
  std::string out;
  for (size_t i = 0; i < requirements_.size(); ++i) {
    const Requirement& r = requirements_[i];
    if (i > 0) out += ',';
    out += r.field;
    out += r.op == Op::kEquals ? "=" : "!=";
    out += EscapeFieldValue(r.value);
  }
  return out;
}

}  // namespace orchd::api
