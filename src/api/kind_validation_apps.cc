#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/kind_validation_internal.h"
#include "api/labels.h"
#include "api/validation.h"
#include "common/strings.h"

// Workload kinds: apps Deployment, ReplicaSet, StatefulSet, DaemonSet and batch Job, CronJob
// (upstream's pkg/apis/apps/validation and pkg/apis/batch/validation).

namespace orchd::api::kind_validation_internal {

// ---- Go renderings of workload values -------------------------------------------------------

namespace {

// A metav1.LabelSelector through its generated String() method.
std::string GoLabelSelector(const JsonValue& selector) {
  std::map<std::string, std::string, std::less<>> labels;
  const JsonValue& ml = ObjectAt(selector, "matchLabels");
  for (const auto& m : ml.GetObject()) {
    if (m.value.IsString()) labels.insert_or_assign(std::string(AsView(m.name)), AsView(m.value));
  }
  std::string out = "&LabelSelector{MatchLabels:map[string]string{";
  for (const auto& [k, v] : labels) out += fmt::format("{}: {},", k, v);
  out += "},MatchExpressions:[]LabelSelectorRequirement{";
  ForEachObject(selector, "matchExpressions", [&](size_t, const JsonValue& e) {
    std::vector<std::string_view> values;
    if (const JsonValue* vs = ArrayAt(e, "values")) {
      for (const JsonValue& v : vs->GetArray()) values.push_back(AsView(v));
    }
    out += fmt::format("LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
                       GetString(e, "key"), GetString(e, "operator"), fmt::join(values, " "));
  });
  return out + "},}";
}

// An intstr.IntOrString through its String() method.
std::string GoIntOrString(const JsonValue* v) {
  if (v == nullptr || v->IsNull()) return "0";
  if (v->IsString()) return std::string(AsView(*v));
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  return ToJson(*v);
}

// A strategy struct as %#v prints it: T{Type:"x", RollingUpdate:(*R)(nil)} (a set pointer as
// JSON, see kind_validation_internal.h).
std::string GoStrategy(std::string_view go_type, std::string_view rolling_type,
                       const JsonValue& strategy) {
  const JsonValue* ru = Member(strategy, "rollingUpdate");
  std::string rolling = ru == nullptr || ru->IsNull()
                            ? fmt::format("(*{})(nil)", rolling_type)
                            : fmt::format("&{}{}", rolling_type, ToJson(*ru));
  return fmt::format("{}{{Type:{}, RollingUpdate:{}}}", go_type,
                     GoQuote(GetString(strategy, "type")), rolling);
}

}  // namespace

// ---- apps -----------------------------------------------------------------------------------

namespace {

size_t SelectorTerms(const JsonValue& selector) {
  size_t n = ArraySize(selector, "matchExpressions");
  if (const JsonValue* ml = Member(selector, "matchLabels"); ml != nullptr && ml->IsObject()) {
    n += ml->MemberCount();
  }
  return n;
}

// spec.selector of a workload, checked and converted.
struct SpecSelector {
  const JsonValue* raw = nullptr;         // the selector object, when one is given
  std::optional<LabelSelector> selector;  // nullopt when `raw` does not convert
};

// A required metav1.LabelSelector at spec.selector: Required when missing (then it selects
// nothing, as upstream's LabelSelectorAsSelector(nil)), Invalid when empty.
SpecSelector RequiredSelector(const JsonValue& spec, std::string_view what, FieldErrors& errs) {
  SpecSelector out;
  const JsonValue* sel = Member(spec, "selector");
  if (sel == nullptr || sel->IsNull()) {
    errs.push_back(FieldRequired("spec.selector", ""));
    out.selector = LabelSelector::Nothing();
    return out;
  }
  Append(errs, ValidateLabelSelector(*sel, "spec.selector"));
  if (!sel->IsObject()) return out;
  out.raw = sel;
  if (SelectorTerms(*sel) == 0) {
    errs.push_back(FieldInvalidRendered("spec.selector", GoLabelSelector(*sel),
                                        fmt::format("empty selector is invalid for {}", what)));
  }
  if (auto parsed = LabelSelector::FromLabelSelectorJson(*sel)) out.selector = std::move(*parsed);
  return out;
}

// Deployments and ReplicaSets: a selector that does not convert, or the template rules.
void ValidateReplicaSetTemplate(const JsonValue& spec, const SpecSelector& sel, FieldErrors& errs) {
  if (!sel.selector) {
    if (sel.raw != nullptr) {
      errs.push_back(FieldInvalidRendered("spec.selector", GoLabelSelector(*sel.raw),
                                          "invalid label selector"));
    }
    return;
  }
  ValidateLongRunningTemplate(ObjectAt(spec, "template"), &*sel.selector, "ReplicaSet",
                              "spec.template", errs);
}

// An intstr field of a rolling update: a non-negative integer or a percentage.
struct IntOrPercent {
  int64_t value = 0;
  bool percent = false;
};

std::optional<IntOrPercent> CheckIntOrPercent(const JsonValue& ru, std::string_view key,
                                              const std::string& path, FieldErrors& errs) {
  const JsonValue* v = Member(ru, key);
  std::string at = Child(path, key);
  if (v == nullptr || v->IsNull()) return IntOrPercent{};
  if (v->IsInt64()) {
    if (v->GetInt64() < 0) {
      errs.push_back(FieldInvalidRendered(at, std::to_string(v->GetInt64()), kNonNegative));
      return std::nullopt;
    }
    return IntOrPercent{v->GetInt64(), false};
  }
  std::string_view s = AsView(*v);
  std::optional<int64_t> n;
  if (v->IsString() && s.size() > 1 && s.back() == '%' &&
      std::all_of(s.begin(), s.end() - 1, [](char c) { return c >= '0' && c <= '9'; })) {
    n = ParseInt64(s.substr(0, s.size() - 1));
  }
  if (!n) {
    errs.push_back(FieldInvalidRendered(
        at, GoIntOrString(v),
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  "
        "or '93%', regex used for validation is '[0-9]+%')"));
    return std::nullopt;
  }
  return IntOrPercent{*n, true};
}

void NotMoreThan100Percent(const JsonValue& ru, std::string_view key,
                           const std::optional<IntOrPercent>& v, const std::string& path,
                           FieldErrors& errs) {
  if (v && v->percent && v->value > 100) {
    errs.push_back(FieldInvalidRendered(Child(path, key), GoIntOrString(Member(ru, key)),
                                        "must not be greater than 100%"));
  }
}

void ValidateDeploymentStrategy(const JsonValue& spec, FieldErrors& errs) {
  const JsonValue& strategy = ObjectAt(spec, "strategy");
  std::string_view type = GetString(strategy, "type");
  const std::string path = "spec.strategy";
  if (type == "Recreate") {
    if (Present(strategy, "rollingUpdate")) {
      errs.push_back(FieldForbidden(Child(path, "rollingUpdate"),
                                    "may not be specified when strategy `type` is 'Recreate'"));
    }
  } else if (type == "RollingUpdate") {
    const JsonValue* ru = Member(strategy, "rollingUpdate");
    if (ru == nullptr || !ru->IsObject()) {
      errs.push_back(
          FieldRequired(Child(path, "rollingUpdate"), "this should be defaulted and never be nil"));
      return;
    }
    std::string ru_path = Child(path, "rollingUpdate");
    auto unavailable = CheckIntOrPercent(*ru, "maxUnavailable", ru_path, errs);
    auto surge = CheckIntOrPercent(*ru, "maxSurge", ru_path, errs);
    if (unavailable && surge && unavailable->value == 0 && surge->value == 0) {
      errs.push_back(FieldInvalidRendered(Child(ru_path, "maxUnavailable"),
                                          GoIntOrString(Member(*ru, "maxUnavailable")),
                                          "may not be 0 when `maxSurge` is 0"));
    }
    NotMoreThan100Percent(*ru, "maxUnavailable", unavailable, ru_path, errs);
  } else {
    errs.push_back(FieldNotSupportedRendered(
        path, GoStrategy("apps.DeploymentStrategy", "apps.RollingUpdateDeployment", strategy),
        {"Recreate", "RollingUpdate"}));
  }
}

}  // namespace

void ValidateDeployment(const JsonValue& obj, FieldErrors& errs) {
  const JsonValue& spec = ObjectAt(obj, "spec");
  NonNegative(errs, spec, "replicas", "spec");
  ValidateReplicaSetTemplate(spec, RequiredSelector(spec, "deployment", errs), errs);
  ValidateDeploymentStrategy(spec, errs);
  NonNegative(errs, spec, "minReadySeconds", "spec");
  NonNegative(errs, spec, "revisionHistoryLimit", "spec");
  if (auto deadline = OptInt(spec, "progressDeadlineSeconds")) {
    NonNegative(errs, spec, "progressDeadlineSeconds", "spec");
    if (*deadline <= GetInt(spec, "minReadySeconds")) {
      errs.push_back(FieldInvalidRendered("spec.progressDeadlineSeconds", std::to_string(*deadline),
                                          "must be greater than minReadySeconds"));
    }
  }
}

void ValidateReplicaSet(const JsonValue& obj, FieldErrors& errs) {
  const JsonValue& spec = ObjectAt(obj, "spec");
  NonNegative(errs, spec, "replicas", "spec");
  NonNegative(errs, spec, "minReadySeconds", "spec");
  // Upstream words the ReplicaSet message as for deployments.
  ValidateReplicaSetTemplate(spec, RequiredSelector(spec, "deployment", errs), errs);
}

void ValidateStatefulSet(const JsonValue& obj, FieldErrors& errs) {
  const JsonValue& spec = ObjectAt(obj, "spec");
  std::string_view policy = GetString(spec, "podManagementPolicy");
  if (policy.empty()) {
    errs.push_back(FieldRequired("spec.podManagementPolicy", ""));
  } else if (!OneOf(policy, {"OrderedReady", "Parallel"})) {
    errs.push_back(
        FieldInvalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const JsonValue& strategy = ObjectAt(spec, "updateStrategy");
  std::string_view type = GetString(strategy, "type");
  if (type.empty()) {
    errs.push_back(FieldRequired("spec.updateStrategy", ""));
  } else if (type == "OnDelete") {
    if (const JsonValue* ru = Member(strategy, "rollingUpdate"); ru != nullptr && !ru->IsNull()) {
      errs.push_back(
          FieldInvalidRendered("spec.updateStrategy.rollingUpdate",
                               fmt::format("&apps.RollingUpdateStatefulSetStrategy{}", ToJson(*ru)),
                               "only allowed for updateStrategy 'RollingUpdate'"));
    }
  } else if (type == "RollingUpdate") {
    NonNegative(errs, ObjectAt(strategy, "rollingUpdate"), "partition",
                "spec.updateStrategy.rollingUpdate");
  } else {
    errs.push_back(
        FieldInvalidRendered("spec.updateStrategy",
                             GoStrategy("apps.StatefulSetUpdateStrategy",
                                        "apps.RollingUpdateStatefulSetStrategy", strategy),
                             "must be 'RollingUpdate' or 'OnDelete'"));
  }
  if (const JsonValue* retention = Member(spec, "persistentVolumeClaimRetentionPolicy");
      retention != nullptr && retention->IsObject()) {
    for (std::string_view f : {"whenDeleted", "whenScaled"}) {
      std::string_view v = GetString(*retention, f);
      if (!OneOf(v, {"Retain", "Delete"})) {
        errs.push_back(FieldNotSupported(Child("spec.persistentVolumeClaimRetentionPolicy", f), v,
                                         {"Delete", "Retain"}));
      }
    }
  }
  NonNegative(errs, spec, "replicas", "spec");
  NonNegative(errs, spec, "minReadySeconds", "spec");
  SpecSelector sel = RequiredSelector(spec, "statefulset", errs);
  const JsonValue& tmpl = ObjectAt(spec, "template");
  if (!sel.selector) {
    if (sel.raw != nullptr) {
      errs.push_back(FieldInvalidRendered("spec.selector", GoLabelSelector(*sel.raw), ""));
    }
  } else if (!sel.selector->Empty() && !sel.selector->Matches(LabelsFromObject(tmpl))) {
    errs.push_back(FieldInvalidRendered("spec.template.metadata.labels",
                                        GoStringMap(Path(tmpl, {"metadata", "labels"})),
                                        kSelectorMismatch));
  }
  // Upstream leaves the template's pod spec to pod creation (a TODO there); orchd checks it
  // here so that a broken template fails on create instead of in the controller.
  ValidatePodTemplateSpec(tmpl, "spec.template", errs);
  const JsonValue& pod_spec = ObjectAt(tmpl, "spec");
  if (std::string_view rp = GetString(pod_spec, "restartPolicy"); rp != "Always") {
    errs.push_back(FieldNotSupported("spec.template.spec.restartPolicy", rp, {"Always"}));
  }
  if (Present(pod_spec, "activeDeadlineSeconds")) {
    errs.push_back(FieldForbidden("spec.template.spec.activeDeadlineSeconds",
                                  "activeDeadlineSeconds in StatefulSet is not Supported"));
  }
}

namespace {

void ValidateDaemonSetStrategy(const JsonValue& spec, FieldErrors& errs) {
  const JsonValue& strategy = ObjectAt(spec, "updateStrategy");
  std::string_view type = GetString(strategy, "type");
  const std::string path = "spec.updateStrategy";
  if (type == "OnDelete") return;
  if (type != "RollingUpdate") {
    errs.push_back(FieldNotSupportedRendered(
        path, GoStrategy("apps.DaemonSetUpdateStrategy", "apps.RollingUpdateDaemonSet", strategy),
        {"RollingUpdate", "OnDelete"}));
    return;
  }
  const JsonValue* ru = Member(strategy, "rollingUpdate");
  std::string ru_path = Child(path, "rollingUpdate");
  if (ru == nullptr || !ru->IsObject()) {
    errs.push_back(FieldRequired(ru_path, ""));
    return;
  }
  auto unavailable = CheckIntOrPercent(*ru, "maxUnavailable", ru_path, errs);
  auto surge = CheckIntOrPercent(*ru, "maxSurge", ru_path, errs);
  NotMoreThan100Percent(*ru, "maxUnavailable", unavailable, ru_path, errs);
  NotMoreThan100Percent(*ru, "maxSurge", surge, ru_path, errs);
  bool has_unavailable = unavailable && unavailable->value != 0;
  bool has_surge = surge && surge->value != 0;
  if (has_unavailable && has_surge) {
    errs.push_back(FieldInvalidRendered(Child(ru_path, "maxSurge"),
                                        GoIntOrString(Member(*ru, "maxSurge")),
                                        "may not be set when maxUnavailable is non-zero"));
  } else if (!has_unavailable && !has_surge && unavailable && surge) {
    errs.push_back(
        FieldRequired(Child(ru_path, "maxUnavailable"), "cannot be 0 when maxSurge is 0"));
  }
}

}  // namespace

void ValidateDaemonSet(const JsonValue& obj, FieldErrors& errs) {
  const JsonValue& spec = ObjectAt(obj, "spec");
  const JsonValue* sel = Member(spec, "selector");
  if (sel != nullptr) Append(errs, ValidateLabelSelector(*sel, "spec.selector"));
  // Upstream has no Required here: a missing selector selects nothing, so the labels mismatch.
  auto selector = LabelSelector::FromLabelSelectorJson(sel != nullptr ? *sel : NullValue());
  const JsonValue& tmpl = ObjectAt(spec, "template");
  if (selector && !selector->Matches(LabelsFromObject(tmpl))) {
    errs.push_back(FieldInvalidRendered("spec.template.metadata.labels",
                                        GoStringMap(Path(tmpl, {"metadata", "labels"})),
                                        kSelectorMismatch));
  }
  if (sel != nullptr && sel->IsObject() && SelectorTerms(*sel) == 0) {
    errs.push_back(FieldInvalidRendered("spec.selector", GoLabelSelector(*sel),
                                        "empty selector is invalid for daemonset"));
  }
  ValidateLongRunningTemplate(tmpl, nullptr, "DaemonSet", "spec.template", errs);
  NonNegative(errs, spec, "minReadySeconds", "spec");
  NonNegative(errs, spec, "templateGeneration", "spec");
  ValidateDaemonSetStrategy(spec, errs);
  NonNegative(errs, spec, "revisionHistoryLimit", "spec");
}

// ---- Jobs -----------------------------------------------------------------------------------

namespace {

// validateJobSpec at `path` ("spec" of a Job, "spec.jobTemplate.spec" of a CronJob).
void ValidateJobSpec(const JsonValue& spec, const std::string& path, FieldErrors& errs) {
  for (std::string_view f :
       {"parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
        "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"}) {
    NonNegative(errs, spec, f, path);
  }
  if (Present(spec, "completionMode")) {
    std::string_view mode = GetString(spec, "completionMode");
    if (!OneOf(mode, {"NonIndexed", "Indexed"})) {
      errs.push_back(
          FieldNotSupported(Child(path, "completionMode"), mode, {"NonIndexed", "Indexed"}));
    }
    if (mode == "Indexed" && !Present(spec, "completions")) {
      errs.push_back(FieldRequired(Child(path, "completions"), "when completion mode is Indexed"));
    }
  }
  if (Present(spec, "podReplacementPolicy")) {
    std::string_view policy = GetString(spec, "podReplacementPolicy");
    if (!OneOf(policy, {"TerminatingOrFailed", "Failed"})) {
      errs.push_back(FieldNotSupported(Child(path, "podReplacementPolicy"), policy,
                                       {"TerminatingOrFailed", "Failed"}));
    } else if (Present(spec, "podFailurePolicy") && policy != "Failed") {
      errs.push_back(FieldNotSupported(Child(path, "podReplacementPolicy"), policy, {"Failed"}));
    }
  }
  std::string tmpl_path = Child(path, "template");
  const JsonValue& tmpl = ObjectAt(spec, "template");
  ValidatePodTemplateSpec(tmpl, tmpl_path, errs);
  std::string_view policy = GetString(ObjectAt(tmpl, "spec"), "restartPolicy");
  std::string policy_path = Child(tmpl_path, "spec.restartPolicy");
  if (policy.empty() || policy == "Always") {
    errs.push_back(FieldRequired(policy_path, R"(valid values: "OnFailure", "Never")"));
  } else if (!OneOf(policy, {"OnFailure", "Never"})) {
    errs.push_back(FieldNotSupported(policy_path, policy, {"OnFailure", "Never"}));
  } else if (Present(spec, "podFailurePolicy") && policy != "Never") {
    errs.push_back(FieldInvalid(policy_path, policy,
                                "only \"Never\" is supported when podFailurePolicy is specified"));
  }
}

}  // namespace

void ValidateJob(const JsonValue& obj, FieldErrors& errs) {
  const JsonValue& spec = ObjectAt(obj, "spec");
  ValidateJobSpec(spec, "spec", errs);
  // Upstream requires spec.selector, which the Job strategy generates unless manualSelector;
  // here it is checked when present.
  const JsonValue* sel = Member(spec, "selector");
  if (sel == nullptr || sel->IsNull()) return;
  Append(errs, ValidateLabelSelector(*sel, "spec.selector"));
  auto selector = LabelSelector::FromLabelSelectorJson(*sel);
  const JsonValue& tmpl = ObjectAt(spec, "template");
  if (selector && !selector->Matches(LabelsFromObject(tmpl))) {
    errs.push_back(FieldInvalidRendered("spec.template.metadata.labels",
                                        GoStringMap(Path(tmpl, {"metadata", "labels"})),
                                        kSelectorMismatch));
  }
}

// ---- Cron schedules (github.com/robfig/cron/v3, ParseStandard) ------------------------------

namespace {

using CronName = std::pair<std::string_view, uint64_t>;

constexpr std::array<CronName, 12> kCronMonths = {{{"jan", 1},
                                                   {"feb", 2},
                                                   {"mar", 3},
                                                   {"apr", 4},
                                                   {"may", 5},
                                                   {"jun", 6},
                                                   {"jul", 7},
                                                   {"aug", 8},
                                                   {"sep", 9},
                                                   {"oct", 10},
                                                   {"nov", 11},
                                                   {"dec", 12}}};

constexpr std::array<CronName, 7> kCronWeekdays = {
    {{"sun", 0}, {"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4}, {"fri", 5}, {"sat", 6}}};

struct CronBounds {
  uint64_t min;
  uint64_t max;
  std::span<const CronName> names;
};

// Minute, hour, day of month, month, day of week.
constexpr std::array<CronBounds, 5> kCronFields = {
    {{0, 59, {}}, {0, 23, {}}, {1, 31, {}}, {1, 12, kCronMonths}, {0, 6, kCronWeekdays}}};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// mustParseInt: strconv.Atoi, then no negatives; "" when `expr` is a non-negative int.
std::string CronInt(std::string_view expr, uint64_t& out) {
  std::string_view body = expr;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
  std::optional<int64_t> n = ParseInt64(expr.starts_with('+') ? expr.substr(1) : expr);
  if (!AllDigits(body) || !n) {
    return fmt::format("failed to parse int from {}: strconv.Atoi: parsing {}: {}", expr,
                       GoQuote(expr), AllDigits(body) ? "value out of range" : "invalid syntax");
  }
  if (*n < 0) return fmt::format("negative number ({}) not allowed: {}", *n, expr);
  out = static_cast<uint64_t>(*n);
  return {};
}

std::string CronIntOrName(std::string_view expr, const CronBounds& b, uint64_t& out) {
  std::string lower(expr);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [name, value] : b.names) {
    if (name == lower) {
      out = value;
      return {};
    }
  }
  return CronInt(expr, out);
}

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.push_back(
        s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

// getRange: one comma-separated piece of a field; "" when valid.
std::string CronRange(std::string_view expr, const CronBounds& b) {
  std::vector<std::string_view> range_and_step = SplitOn(expr, '/');
  std::vector<std::string_view> low_high = SplitOn(range_and_step[0], '-');
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t step = 1;
  if (low_high[0] == "*" || low_high[0] == "?") {
    start = b.min;
    end = b.max;
  } else {
    if (std::string e = CronIntOrName(low_high[0], b, start); !e.empty()) return e;
    if (low_high.size() == 1) {
      end = start;
    } else if (low_high.size() == 2) {
      if (std::string e = CronIntOrName(low_high[1], b, end); !e.empty()) return e;
    } else {
      return fmt::format("too many hyphens: {}", expr);
    }
  }
  if (range_and_step.size() == 2) {
    if (std::string e = CronInt(range_and_step[1], step); !e.empty()) return e;
    if (low_high.size() == 1) end = b.max;  // "N/step" means "N-max/step"
  } else if (range_and_step.size() > 2) {
    return fmt::format("too many slashes: {}", expr);
  }
  if (start < b.min) {
    return fmt::format("beginning of range ({}) below minimum ({}): {}", start, b.min, expr);
  }
  if (end > b.max) {
    return fmt::format("end of range ({}) above maximum ({}): {}", end, b.max, expr);
  }
  if (start > end) {
    return fmt::format("beginning of range ({}) beyond end of range ({}): {}", start, end, expr);
  }
  if (step == 0) return fmt::format("step of range should be a positive number: {}", expr);
  return {};
}

// time.ParseDuration's verdict on `s`; "" when valid.
std::string GoDurationError(std::string_view s) {
  std::string quoted = GoQuote(s);
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) rest.remove_prefix(1);
  if (rest == "0") return {};
  if (rest.empty()) return fmt::format("time: invalid duration {}", quoted);
  while (!rest.empty()) {
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    size_t frac = digits;
    if (frac < rest.size() && rest[frac] == '.') {
      ++frac;
      while (frac < rest.size() && rest[frac] >= '0' && rest[frac] <= '9') ++frac;
    }
    if (frac == 0 || (frac == 1 && rest[0] == '.')) {
      return fmt::format("time: invalid duration {}", quoted);
    }
    rest.remove_prefix(frac);
    size_t unit = 0;
    while (unit < rest.size() && rest[unit] != '.' && (rest[unit] < '0' || rest[unit] > '9')) {
      ++unit;
    }
    if (unit == 0) return fmt::format("time: missing unit in duration {}", quoted);
    std::string_view u = rest.substr(0, unit);
    if (!OneOf(u, {"ns", "us", "\u00b5s", "\u03bcs", "ms", "s", "m", "h"})) {
      return fmt::format("time: unknown unit {} in duration {}", GoQuote(u), quoted);
    }
    rest.remove_prefix(unit);
  }
  return {};
}

// The parse error of a standard cron spec (five fields or a @descriptor), "" when valid.
std::string CronScheduleError(std::string_view spec) {
  if (spec.empty()) return "empty spec string";
  if (spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=")) {
    // The location itself is not checked here (no time zone database in the API layer).
    size_t space = spec.find(' ');
    if (space == std::string_view::npos) return {};  // the TZ error says it all
    spec.remove_prefix(space);
    while (!spec.empty() && std::isspace(static_cast<unsigned char>(spec.front()))) {
      spec.remove_prefix(1);
    }
  }
  if (spec.starts_with('@')) {
    if (OneOf(spec,
              {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})) {
      return {};
    }
    constexpr std::string_view kEvery = "@every ";
    if (spec.starts_with(kEvery)) {
      if (std::string e = GoDurationError(spec.substr(kEvery.size())); !e.empty()) {
        return fmt::format("failed to parse duration {}: {}", spec, e);
      }
      return {};
    }
    return fmt::format("unrecognized descriptor: {}", spec);
  }
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < spec.size()) {
    while (i < spec.size() && std::isspace(static_cast<unsigned char>(spec[i]))) ++i;
    size_t start = i;
    while (i < spec.size() && !std::isspace(static_cast<unsigned char>(spec[i]))) ++i;
    if (i > start) fields.push_back(spec.substr(start, i - start));
  }
  if (fields.size() != 5) {
    return fmt::format("expected exactly 5 fields, found {}: [{}]", fields.size(),
                       fmt::join(fields, " "));
  }
  for (size_t f = 0; f < fields.size(); ++f) {
    for (std::string_view piece : SplitOn(fields[f], ',')) {
      if (piece.empty()) continue;  // strings.FieldsFunc drops empty pieces
      if (std::string e = CronRange(piece, kCronFields[f]); !e.empty()) return e;
    }
  }
  return {};
}

}  // namespace

void ValidateCronJob(const JsonValue& obj, FieldErrors& errs) {
  const JsonValue& spec = ObjectAt(obj, "spec");
  std::string_view schedule = GetString(spec, "schedule");
  if (schedule.empty()) {
    errs.push_back(FieldRequired("spec.schedule", ""));
  } else {
    if (std::string e = CronScheduleError(schedule); !e.empty()) {
      errs.push_back(FieldInvalid("spec.schedule", schedule, e));
    }
    if (schedule.find("TZ") != std::string_view::npos) {
      errs.push_back(
          FieldInvalid("spec.schedule", schedule,
                       "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    }
  }
  NonNegative(errs, spec, "startingDeadlineSeconds", "spec");
  Enum(errs, GetString(spec, "concurrencyPolicy"), "spec.concurrencyPolicy",
       {"Allow", "Forbid", "Replace"});
  const JsonValue& job_spec = ObjectAt(ObjectAt(spec, "jobTemplate"), "spec");
  ValidateJobSpec(job_spec, "spec.jobTemplate.spec", errs);
  if (const JsonValue* sel = Member(job_spec, "selector"); sel != nullptr && sel->IsObject()) {
    errs.push_back(FieldInvalidRendered("spec.jobTemplate.spec.selector", GoLabelSelector(*sel),
                                        "`selector` will be auto-generated"));
  }
  if (GetBool(job_spec, "manualSelector")) {
    errs.push_back(FieldNotSupportedRendered("spec.jobTemplate.spec.manualSelector", "true",
                                             {"nil", "false"}));
  }
  NonNegative(errs, spec, "successfulJobsHistoryLimit", "spec");
  NonNegative(errs, spec, "failedJobsHistoryLimit", "spec");
  if (const JsonValue* tz = Member(spec, "timeZone"); tz != nullptr && tz->IsString()) {
    if (tz->GetStringLength() == 0) {
      errs.push_back(FieldInvalid("spec.timeZone", "", "timeZone must be nil or non-empty string"));
    }
  }
}

}  // namespace orchd::api::kind_validation_internal
