#pragma once
// A check in a service registration (api.AgentServiceCheck / structs.CheckType). Durations are
// Go duration strings ("10s").

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::consul {

class ObjectDecoder;

struct AgentServiceCheck {
  static constexpr std::string_view kGoType = "structs.CheckType";

  std::string check_id;
  std::string name;
  std::vector<std::string> script_args;
  std::string docker_container_id;
  std::string shell;
  std::string interval;
  std::string timeout;
  std::string ttl;
  std::string http;
  std::map<std::string, std::vector<std::string>> header;
  std::string method;
  std::string body;
  bool disable_redirects = false;
  std::string tcp;
  bool tcp_use_tls = false;
  std::string udp;
  std::string grpc;
  bool grpc_use_tls = false;
  std::string h2ping;
  bool h2ping_use_tls = false;
  std::string os_service;
  std::string alias_node;
  std::string alias_service;
  std::string status;  // initial status
  std::string notes;
  std::string tls_server_name;
  bool tls_skip_verify = false;
  int success_before_passing = 0;
  int failures_before_warning = 0;
  int failures_before_critical = 0;
  std::string deregister_critical_service_after;
  int output_max_size = 0;

  // "ttl", "tcp", "http", "alias", … as HealthCheck.Type shows it; empty when unknown.
  std::string type() const;

  friend bool operator==(const AgentServiceCheck&, const AgentServiceCheck&) = default;
};

void to_json(nlohmann::json& j, const AgentServiceCheck& v);
void from_json(const nlohmann::json& j, AgentServiceCheck& v);
void decode_fields(ObjectDecoder& d, AgentServiceCheck& v);

}  // namespace gatehouse::consul
