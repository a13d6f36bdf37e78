#pragma once
// What a handler answers: status, body and the headers it wants on top of the global ones.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tools/dev_agent/http_error.hpp"

namespace gatehouse::tools {

struct Response {
  unsigned status = 200;
  std::string content_type;  // empty: no Content-Type header
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(const nlohmann::json& body, unsigned status = 200);
  static Response error(const HttpError& e);
  static Response empty(unsigned status = 200) { return Response{status, {}, {}, {}}; }

  void set_header(std::string name, std::string value);
};

}  // namespace gatehouse::tools
