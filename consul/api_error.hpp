#pragma once
// What went wrong talking to the agent: an HTTP status with Consul's plain-text body (e.g. 403
// "Permission denied"), or a transport failure (refused, timeout, cancelled), kept apart so
// callers can decide (retry on transport errors, show the body on a 4xx/5xx).

#include <string>

namespace gatehouse::consul {

enum class ApiErrorKind {
  status,            // the agent answered with a non-2xx status; body holds its text
  connect,           // could not connect (refused, unreachable, unix socket missing)
  timeout,           // the request's timeout elapsed
  cancelled,         // cancelled by the caller
  transport,         // any other transfer failure (TLS, reset, malformed response)
  invalid_response,  // a 2xx answer whose body or headers we could not decode
};

struct ApiError {
  ApiErrorKind kind = ApiErrorKind::transport;
  int status = 0;      // HTTP status for kind == status, else 0
  std::string body;    // Consul's plain-text error body (trimmed) for kind == status
  std::string detail;  // transport or decoding detail

  static ApiError from_status(int status, std::string body);
  static ApiError make(ApiErrorKind kind, std::string detail);

  bool is_status(int code) const { return kind == ApiErrorKind::status && status == code; }
  bool is_transport() const {
    return kind != ApiErrorKind::status && kind != ApiErrorKind::invalid_response;
  }

  // The Go client's wording for statuses: `Unexpected response code: 403 (Permission denied)`;
  // otherwise `<kind>: <detail>`.
  std::string message() const;
};

const char* to_string(ApiErrorKind kind);

}  // namespace gatehouse::consul
