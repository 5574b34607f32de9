// The table registry, time and duration formatting, and the helpers every printer shares.
// The printers themselves live in tables_core.cc, tables_workloads.cc and tables_services.cc.

#include "server/tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "api/labels.h"
#include "server/tables_internal.h"

namespace orchd::server {

using api::JsonValue;

namespace tables {

namespace {

using std::chrono::system_clock;

// The value of the `n` decimal digits at s[pos], or -1.
int Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

// ---- Cells ----

void Cells::Str(std::string_view s) {
  // A default string_view has no data pointer, which rapidjson refuses even for length 0.
  out_.PushBack(s.empty() ? JsonValue(rapidjson::kStringType) : api::StringValue(s, alloc_),
                alloc_);
}
void Cells::Int(int64_t v) { out_.PushBack(JsonValue(v), alloc_); }
void Cells::Bool(bool v) { out_.PushBack(JsonValue(v), alloc_); }
void Cells::Name(const JsonValue& obj) { Str(tables::Str(obj, {"metadata", "name"})); }
void Cells::Age(const JsonValue& obj) { Str(AgeCell(obj, now_)); }

std::string Cells::Since(const JsonValue& ts) const {
  std::optional<TimePoint> t = TimeOf(ts);
  if (!t) return "<unknown>";
  return HumanDuration(now_ - *t);
}

// ---- Columns ----

TableColumn NameColumn() { return {"Name", "string", "name", std::string(kNameDescription), 0}; }
TableColumn AgeColumn() {
  return {"Age", "string", "", std::string(kCreationTimestampDescription), 0};
}
TableColumn Column(std::string_view name, std::string_view type, std::string_view description,
                   int priority) {
  return {std::string(name), std::string(type), "", std::string(description), priority};
}
TableColumn ContainersColumn() {
  return Column("Containers", "string", "Names of each container in the template.", 1);
}
TableColumn ImagesColumn() {
  return Column("Images", "string", "Images referenced by each container in the template.", 1);
}

// ---- Reading ----

const JsonValue& At(const JsonValue& v, std::initializer_list<std::string_view> path) {
  static const JsonValue kNull;
  const JsonValue* p = api::Path(v, path);
  return p != nullptr ? *p : kNull;
}

std::span<const JsonValue> Items(const JsonValue& v) {
  if (!v.IsArray() || v.Empty()) return {};
  return {v.Begin(), v.Size()};
}

std::string_view Str(const JsonValue& v, std::initializer_list<std::string_view> path) {
  return api::AsView(At(v, path));
}

int64_t Int(const JsonValue& v, std::initializer_list<std::string_view> path, int64_t fallback) {
  const JsonValue& m = At(v, path);
  return m.IsInt64() ? m.GetInt64() : fallback;
}

bool Has(const JsonValue& v, std::initializer_list<std::string_view> path) {
  const JsonValue* p = api::Path(v, path);
  return p != nullptr && !p->IsNull();
}

int64_t Count(const JsonValue& v) {
  if (v.IsObject()) return v.MemberCount();
  if (v.IsArray()) return v.Size();
  return 0;
}

std::optional<TimePoint> TimeOf(const JsonValue& v) {
  if (!v.IsString()) return std::nullopt;
  return ParseRfc3339(api::AsView(v));
}

std::string QuantityString(const JsonValue& v, std::string_view absent) {
  if (v.IsString()) return std::string(api::AsView(v));
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsNumber()) return fmt::format("{}", v.GetDouble());
  return std::string(absent);
}

// ---- Formatting ----

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string FormatLabels(const JsonValue& map) {
  std::vector<std::pair<std::string_view, std::string_view>> kv;
  if (map.IsObject()) {
    for (const auto& m : map.GetObject())
      kv.emplace_back(api::AsView(m.name), api::AsView(m.value));
  }
  if (kv.empty()) return "<none>";
  std::sort(kv.begin(), kv.end());
  std::string out;
  for (const auto& [k, v] : kv) {
    if (!out.empty()) out += ',';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string LabelSelectorString(const JsonValue& selector, bool& ok) {
  Result<api::LabelSelector> parsed = api::LabelSelector::FromLabelSelectorJson(selector);
  ok = parsed.has_value();
  return ok ? parsed->ToString() : std::string();
}

std::string FormatLabelSelector(const JsonValue& selector) {
  bool ok = true;
  std::string s = LabelSelectorString(selector, ok);
  if (!ok) return "<error>";
  return s.empty() ? "<none>" : s;
}

void ContainerCells(const JsonValue& pod_spec, Cells& cells) {
  std::vector<std::string> names;
  std::vector<std::string> images;
  for (const JsonValue& c : Items(At(pod_spec, {"containers"}))) {
    names.emplace_back(Str(c, {"name"}));
    images.emplace_back(Str(c, {"image"}));
  }
  cells.Str(Join(names, ","));
  cells.Str(Join(images, ","));
}

const JsonValue* FindCondition(const JsonValue& conditions, std::string_view type) {
  for (const JsonValue& c : Items(conditions)) {
    if (Str(c, {"type"}) == type) return &c;
  }
  return nullptr;
}

namespace {

// Name and Age for resources without a printer.
void DefaultCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Age(obj);
}

// upstream's rest.defaultTableConvertor: the name and the creation time as RFC 3339 (Go's zero
// time when unset).
void CreatedAtCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  std::optional<TimePoint> t = TimeOf(At(obj, {"metadata", "creationTimestamp"}));
  cells.Str(t ? FormatRfc3339(*t) : "0001-01-01T00:00:00Z");
}

void AddDefaultConvertorPrinters(std::vector<Printer>& out) {
  std::vector<TableColumn> columns = {NameColumn(),
                                      Column("Created At", "date", kCreationTimestampDescription)};
  out.push_back({"", "limitranges", columns, &CreatedAtCells});
}

const std::vector<Printer>& AllPrinters() {
  static const std::vector<Printer> kPrinters = [] {
    std::vector<Printer> p;
    AddCorePrinters(p);
    AddWorkloadPrinters(p);
    AddServicePrinters(p);
    AddDefaultConvertorPrinters(p);
    return p;
  }();
  return kPrinters;
}

const Printer& FindPrinter(std::string_view group, std::string_view resource) {
  static const Printer kDefault{"", "", {NameColumn(), AgeColumn()}, &DefaultCells};
  for (const Printer& p : AllPrinters()) {
    if (p.group == group && p.resource == resource) return p;
  }
  return kDefault;
}

}  // namespace
}  // namespace tables

const std::vector<TableColumn>& TableColumns(std::string_view group, std::string_view resource) {
  return tables::FindPrinter(group, resource).columns;
}

void AppendTableCells(std::string_view group, std::string_view resource, const JsonValue& obj,
                      std::chrono::system_clock::time_point now, JsonValue& cells,
                      api::JsonAlloc& alloc) {
  if (!cells.IsArray()) cells.SetArray();
  tables::Cells c(cells, alloc, now);
  tables::FindPrinter(group, resource).cells(obj, c);
}

std::string HumanDuration(std::chrono::nanoseconds d) {
  using std::chrono::duration_cast;
  constexpr int64_t kDay = 24;    // hours
  constexpr int64_t kYear = 365;  // days
  // Go's int(d.Seconds()): truncation toward zero. One second of skew reads as "0s".
  const int64_t seconds = duration_cast<std::chrono::seconds>(d).count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < int64_t{60} * 2) return fmt::format("{}s", seconds);
  const int64_t minutes = seconds / 60;
  if (minutes < 10) {
    const int64_t s = seconds % 60;
    return s == 0 ? fmt::format("{}m", minutes) : fmt::format("{}m{}s", minutes, s);
  }
  if (minutes < int64_t{60} * 3) return fmt::format("{}m", minutes);
  const int64_t hours = minutes / 60;
  if (hours < 8) {
    const int64_t m = minutes % 60;
    return m == 0 ? fmt::format("{}h", hours) : fmt::format("{}h{}m", hours, m);
  }
  if (hours < 48) return fmt::format("{}h", hours);
  if (hours < kDay * 8) {
    const int64_t h = hours % kDay;
    return h == 0 ? fmt::format("{}d", hours / kDay) : fmt::format("{}d{}h", hours / kDay, h);
  }
  if (hours < kDay * kYear * 2) return fmt::format("{}d", hours / kDay);
  if (hours < kDay * kYear * 8) {
    const int64_t dy = (hours / kDay) % kYear;
    return dy == 0 ? fmt::format("{}y", hours / kDay / kYear)
                   : fmt::format("{}y{}d", hours / kDay / kYear, dy);
  }
  return fmt::format("{}y", hours / kDay / kYear);
}

std::string AgeCell(const JsonValue& obj, std::chrono::system_clock::time_point now) {
  std::optional<std::chrono::system_clock::time_point> t =
      tables::TimeOf(tables::At(obj, {"metadata", "creationTimestamp"}));
  if (!t) return "<unknown>";
  return HumanDuration(now - *t);
}

std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s) {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar types
  using tables::Digits;
  // YYYY-MM-DDTHH:MM:SS
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const int y = Digits(s, 0, 4);
  const int mo = Digits(s, 5, 2);
  const int d = Digits(s, 8, 2);
  const int h = Digits(s, 11, 2);
  const int mi = Digits(s, 14, 2);
  const int se = Digits(s, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0 || h > 23 || mi > 59 || se > 59) {
    return std::nullopt;
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  size_t pos = 19;
  int64_t nanos = 0;
  if (s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    int64_t scale = 100000000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      nanos += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  seconds offset{0};
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int oh = Digits(s, pos + 1, 2);
    const int om = Digits(s, pos + 4, 2);
    if (pos + 6 > s.size() || s[pos + 3] != ':' || oh < 0 || om < 0 || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = hours(oh) + minutes(om);
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;

  const int64_t total =
      (sys_days(ymd) + hours(h) + minutes(mi) + seconds(se) - offset).time_since_epoch().count();
  // system_clock counts nanoseconds in an int64: about the years 1678 to 2262.
  constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / 1000000000 - 1;
  if (total > kLimit || total < -kLimit) return std::nullopt;
  return system_clock::time_point(
      duration_cast<system_clock::duration>(seconds(total) + nanoseconds(nanos)));
}

std::string FormatRfc3339(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar types
  const auto secs = floor<seconds>(t);
  const auto days = floor<std::chrono::days>(secs);
  const year_month_day ymd(days);
  const hh_mm_ss<seconds> hms(secs - days);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

}  // namespace orchd::server
