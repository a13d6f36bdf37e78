#include "tools/dev_agent/response.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::tools {

Response Response::json(const nlohmann::json& body, unsigned status) {
  return Response{status, "application/json", body.dump(), {}};
}

Response Response::error(const HttpError& e) {
  // Consul writes errors with fmt.Fprint: plain text, no Content-Type set by the handler.
  return Response{e.status, "text/plain; charset=utf-8", e.body, {}};
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace gatehouse::tools
