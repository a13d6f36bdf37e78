#pragma once
// POST /v1/agent/connect/authorize body and answer (agent/agent_endpoint.go
// AgentConnectAuthorize; api.AgentAuthorizeParams in api/agent.go).

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace gatehouse::consul {

class ObjectDecoder;

// CE accepts exactly these three fields; `Namespace`/`Partition` are unknown fields (400).
struct AuthorizeRequest {
  static constexpr std::string_view kGoType = "structs.ConnectAuthorizeRequest";

  std::string target;
  std::string client_cert_uri;
  std::string client_cert_serial;  // accepted, not checked by Consul

  friend bool operator==(const AuthorizeRequest&, const AuthorizeRequest&) = default;
};

struct AuthorizeResponse {
  static constexpr std::string_view kGoType = "api.AgentAuthorize";

  bool authorized = false;
  std::string reason;

  friend bool operator==(const AuthorizeResponse&, const AuthorizeResponse&) = default;
};

void to_json(nlohmann::json& j, const AuthorizeRequest& v);
void from_json(const nlohmann::json& j, AuthorizeRequest& v);
void decode_fields(ObjectDecoder& d, AuthorizeRequest& v);
void to_json(nlohmann::json& j, const AuthorizeResponse& v);
void from_json(const nlohmann::json& j, AuthorizeResponse& v);
void decode_fields(ObjectDecoder& d, AuthorizeResponse& v);

}  // namespace gatehouse::consul
