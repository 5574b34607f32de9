// FieldError: one problem with one field of an object, as Kubernetes reports it in the
// `details.causes` of a 422 Invalid Status:
//   {"reason":"FieldValueInvalid","message":"Invalid value: \"A_b\": a lowercase RFC 1123 ...",
//    "field":"metadata.name"}
// Validators return a list of them; the REST layer turns a non-empty list into one 422 Status
// whose message is `<Kind> "<name>" is invalid: <field>: <message>, ...` as upstream prints it.
#pragma once

#include <string>
#include <vector>

namespace orchd::api {

enum class FieldErrorType {
  kInvalid,       // FieldValueInvalid: "Invalid value: <value>: <detail>"
  kRequired,      // FieldValueRequired: "Required value"
  kNotSupported,  // FieldValueNotSupported: "Unsupported value: <value>: supported values: ..."
  kDuplicate,     // FieldValueDuplicate: "Duplicate value: <value>"
  kForbidden,     // FieldValueForbidden: "Forbidden: <detail>"
  kTooLong,       // FieldValueTooLong: "Too long: may not be more than N bytes"
};

struct FieldError {
  FieldErrorType type = FieldErrorType::kInvalid;
  std::string field;    // path in upstream notation: "spec.containers[0].image", "metadata.name"
  std::string message;  // the whole upstream-style message, e.g. "Required value"

  // The upstream CauseType string ("FieldValueInvalid", ...).
  const char* reason() const {
    switch (type) {
      case FieldErrorType::kInvalid:
        return "FieldValueInvalid";
      case FieldErrorType::kRequired:
        return "FieldValueRequired";
      case FieldErrorType::kNotSupported:
        return "FieldValueNotSupported";
      case FieldErrorType::kDuplicate:
        return "FieldValueDuplicate";
      case FieldErrorType::kForbidden:
        return "FieldValueForbidden";
      case FieldErrorType::kTooLong:
        return "FieldValueTooLong";
    }
    return "FieldValueInvalid";
  }
};

using FieldErrors = std::vector<FieldError>;

}  // namespace orchd::api
