// Server-side printing: the columns and the cells of the meta.k8s.io/v1 Table that kubectl asks
// for in every human-readable `get` (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`).
//
// One definition per resource, after upstream kubernetes pkg/printers/internalversion/printers.go
// (the v1.32 handlers): the same column names, types, priorities and cell formulas. The server
// always sends every column (upstream converts with Wide=true); kubectl hides priority 1 columns
// unless `-o wide`. Resources printed by upstream's default table convertor (limitranges) get
// its columns, Name and "Created At" (type date, an RFC 3339 cell). Resources without a printer
// here get Name and Age.
//
// Cells carry the JSON type upstream's printer puts in them, which is not always the column's
// declared type: upstream emits an integer in some "string" columns (ConfigMap and Secret Data,
// Deployment Up-to-date and Available, Event Count, ...), a string in CronJob's "boolean"
// Suspend column and a boolean in StorageClass's "string" AllowVolumeExpansion column. kubectl
// prints them as they come.
//
// Objects are the stored JSON (API version of the resource's group); missing fields read as
// their zero value or as the API default, never as an error. Field formats upstream would reject
// on decode (an unparseable timestamp) print as if absent.
//
// Thread-safe: the column tables are immutable after their first use; everything else is pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/json.h"

namespace orchd::server {

// One entry of a Table's columnDefinitions.
struct TableColumn {
  std::string name;
  std::string type;    // "string", "integer", "boolean" or "date"
  std::string format;  // "name" for the column holding metadata.name, else ""
  std::string description;
  int priority = 0;  // 0: default output; 1: `-o wide` only
};

// The columns of resource `resource` (plural) of API group `group` ("" = core). Unknown
// resources get Name and Age.
const std::vector<TableColumn>& TableColumns(std::string_view group, std::string_view resource);

// Appends to `cells` (a JSON array) the cells of `obj` (a whole object of that resource), one per
// column of TableColumns(group, resource). `now` is the reference for ages and durations.
void AppendTableCells(std::string_view group, std::string_view resource, const api::JsonValue& obj,
                      std::chrono::system_clock::time_point now, api::JsonValue& cells,
                      api::JsonAlloc& alloc);

// apimachinery's duration.HumanDuration: "0s".."119s", "2m5s".."9m59s", "10m".."179m",
// "3h".."7h59m", "8h".."47h", "2d".."7d23h", "8d".."729d", "2y".."7y364d", "8y"...; "0s" for a
// negative duration down to -1s (clock skew), "<invalid>" below that.
std::string HumanDuration(std::chrono::nanoseconds d);

// The Age cell: HumanDuration(now - metadata.creationTimestamp), or "<unknown>" when the
// timestamp is absent or unparseable.
std::string AgeCell(const api::JsonValue& obj, std::chrono::system_clock::time_point now);

// Parses an RFC 3339 date-time as Kubernetes writes it: "2024-01-01T00:00:00Z", optionally with
// fractional seconds ("...00.123456Z") and a numeric offset instead of Z ("...00+02:00").
// nullopt for anything else and for instants outside system_clock's range.
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s);

// "2024-01-01T00:00:00Z": second precision (truncated), UTC.
std::string FormatRfc3339(std::chrono::system_clock::time_point t);

}  // namespace orchd::server
