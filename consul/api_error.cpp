#include "consul/api_error.hpp"

namespace gatehouse::consul {

ApiError ApiError::from_status(int code, std::string text) {
  // Consul ends plain-text errors with a newline; keep the text itself.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return ApiError{ApiErrorKind::status, code, std::move(text), {}};
}

ApiError ApiError::make(ApiErrorKind what, std::string text) {
  return ApiError{what, 0, {}, std::move(text)};
}

std::string ApiError::message() const {
  if (kind == ApiErrorKind::status) {
    std::string m = "Unexpected response code: " + std::to_string(status);
    if (!body.empty()) m += " (" + body + ")";
    return m;
  }
  std::string m = to_string(kind);
  if (!detail.empty()) m += ": " + detail;
  return m;
}

const char* to_string(ApiErrorKind kind) {
  switch (kind) {
    case ApiErrorKind::status:
      return "status";
    case ApiErrorKind::connect:
      return "connect_failed";
    case ApiErrorKind::timeout:
      return "timeout";
    case ApiErrorKind::cancelled:
      return "cancelled";
    case ApiErrorKind::transport:
      return "transport";
    case ApiErrorKind::invalid_response:
      return "invalid_response";
  }
  return "unknown";
}

}  // namespace gatehouse::consul
