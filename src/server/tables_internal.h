// Shared pieces of the table printers (tables.cc, tables_core.cc, tables_workloads.cc,
// tables_services.cc). Not part of the server's interface: include server/tables.h instead.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/json.h"
#include "server/tables.h"

namespace orchd::server::tables {

using TimePoint = std::chrono::system_clock::time_point;

// Appends the cells of one row, each with its JSON type, and knows the reference time.
class Cells {
 public:
  Cells(api::JsonValue& out, api::JsonAlloc& alloc, TimePoint now)
      : out_(out), alloc_(alloc), now_(now) {}

  void Str(std::string_view s);
  void Int(int64_t v);
  void Bool(bool v);
  // metadata.name and the Age cell, the first and usual last cells of a row.
  void Name(const api::JsonValue& obj);
  void Age(const api::JsonValue& obj);

  TimePoint now() const { return now_; }
  // upstream's translateTimestampSince: HumanDuration(now - t), "<unknown>" when `ts` is not a
  // parseable timestamp.
  std::string Since(const api::JsonValue& ts) const;

 private:
  api::JsonValue& out_;
  api::JsonAlloc& alloc_;
  TimePoint now_;
};

using CellsFn = void (*)(const api::JsonValue& obj, Cells& cells);

// The printer of one resource: its columns and the function that fills a row.
struct Printer {
  std::string_view group;
  std::string_view resource;
  std::vector<TableColumn> columns;
  CellsFn cells = nullptr;
};

// Each printer file adds its resources.
void AddCorePrinters(std::vector<Printer>& out);      // tables_core.cc
void AddWorkloadPrinters(std::vector<Printer>& out);  // tables_workloads.cc
void AddServicePrinters(std::vector<Printer>& out);   // tables_services.cc

// ---- Columns ----

inline constexpr std::string_view kNameDescription =
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
inline constexpr std::string_view kCreationTimestampDescription =
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients "
    "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the "
    "system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

TableColumn NameColumn();  // {"Name", "string", "name", ...}
TableColumn AgeColumn();   // {"Age", "string", "", creationTimestamp's description}
// A column without a format.
TableColumn Column(std::string_view name, std::string_view type, std::string_view description,
                   int priority = 0);
// The wide Containers and Images columns of workloads.
TableColumn ContainersColumn();
TableColumn ImagesColumn();

// ---- Reading the object ----

// The value at `path` below `v`, or a null value when any step is missing.
const api::JsonValue& At(const api::JsonValue& v, std::initializer_list<std::string_view> path);
// The elements of `v` when it is an array, else none.
std::span<const api::JsonValue> Items(const api::JsonValue& v);
// The string at `path`, "" when absent or not a string.
std::string_view Str(const api::JsonValue& v, std::initializer_list<std::string_view> path);
// The integer at `path`, `fallback` when absent or not an integer.
int64_t Int(const api::JsonValue& v, std::initializer_list<std::string_view> path,
            int64_t fallback = 0);
// True when the member at `path` is present and not null (a Go pointer that is set).
bool Has(const api::JsonValue& v, std::initializer_list<std::string_view> path);
// Number of members of an object or elements of an array; 0 otherwise.
int64_t Count(const api::JsonValue& v);
// The timestamp string `v` parsed; nullopt when absent or unparseable (Go's zero time).
std::optional<TimePoint> TimeOf(const api::JsonValue& v);
// A resource.Quantity as upstream prints it: the stored string (a JSON number prints as
// written), `absent` when missing.
std::string QuantityString(const api::JsonValue& v, std::string_view absent);

// ---- Formatting ----

std::string Join(const std::vector<std::string>& parts, std::string_view sep);
// labels.FormatLabels: "a=1,b=2" sorted by key, "<none>" when empty.
std::string FormatLabels(const api::JsonValue& map);
// A metav1.LabelSelector as labels.Selector.String() prints it ("app=web,tier in (a,b)",
// requirements sorted by key; api::LabelSelector does the conversion); "" for a null or empty
// selector. `ok` is false when LabelSelectorAsSelector would fail (an unknown operator, a bad
// key or value, values where none belong or none where some must).
std::string LabelSelectorString(const api::JsonValue& selector, bool& ok);
// metav1.FormatLabelSelector: the above, "<none>" when empty, "<error>" when invalid.
std::string FormatLabelSelector(const api::JsonValue& selector);
// Appends the wide Containers and Images cells of a pod spec (names and images, comma-joined).
void ContainerCells(const api::JsonValue& pod_spec, Cells& cells);
// The first condition of `conditions` with type `type`, or nullptr.
const api::JsonValue* FindCondition(const api::JsonValue& conditions, std::string_view type);

}  // namespace orchd::server::tables
