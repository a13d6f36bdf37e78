#include "consul/agent_service_check.hpp"

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

std::string AgentServiceCheck::type() const {
  if (!ttl.empty()) return "ttl";
  if (!http.empty()) return "http";
  if (!tcp.empty()) return "tcp";
  if (!udp.empty()) return "udp";
  if (!grpc.empty()) return "grpc";
  if (!h2ping.empty()) return "h2ping";
  if (!alias_service.empty() || !alias_node.empty()) return "alias";
  if (!docker_container_id.empty()) return "docker";
  if (!os_service.empty()) return "os_service";
  if (!script_args.empty()) return "script";
  return {};
}

void to_json(nlohmann::json& j, const AgentServiceCheck& v) {
  j = nlohmann::json::object();
  put_omitempty(j, "CheckID", v.check_id);
  put_omitempty(j, "Name", v.name);
  put_omitempty(j, "ScriptArgs", v.script_args);
  put_omitempty(j, "DockerContainerID", v.docker_container_id);
  put_omitempty(j, "Shell", v.shell);
  put_omitempty(j, "Interval", v.interval);
  put_omitempty(j, "Timeout", v.timeout);
  put_omitempty(j, "TTL", v.ttl);
  put_omitempty(j, "HTTP", v.http);
  put_omitempty(j, "Header", v.header);
  put_omitempty(j, "Method", v.method);
  put_omitempty(j, "Body", v.body);
  put_omitempty(j, "DisableRedirects", v.disable_redirects);
  put_omitempty(j, "TCP", v.tcp);
  put_omitempty(j, "TCPUseTLS", v.tcp_use_tls);
  put_omitempty(j, "UDP", v.udp);
  put_omitempty(j, "GRPC", v.grpc);
  put_omitempty(j, "GRPCUseTLS", v.grpc_use_tls);
  put_omitempty(j, "H2PING", v.h2ping);
  put_omitempty(j, "H2PingUseTLS", v.h2ping_use_tls);
  put_omitempty(j, "OSService", v.os_service);
  put_omitempty(j, "AliasNode", v.alias_node);
  put_omitempty(j, "AliasService", v.alias_service);
  put_omitempty(j, "Status", v.status);
  put_omitempty(j, "Notes", v.notes);
  put_omitempty(j, "TLSServerName", v.tls_server_name);
  put_omitempty(j, "TLSSkipVerify", v.tls_skip_verify);
  put_omitempty(j, "SuccessBeforePassing", v.success_before_passing);
  put_omitempty(j, "FailuresBeforeWarning", v.failures_before_warning);
  put_omitempty(j, "FailuresBeforeCritical", v.failures_before_critical);
  put_omitempty(j, "DeregisterCriticalServiceAfter", v.deregister_critical_service_after);
  put_omitempty(j, "OutputMaxSize", v.output_max_size);
}

void decode_fields(ObjectDecoder& d, AgentServiceCheck& v) {
  d.field("CheckID", v.check_id);
  d.field("ID", v.check_id);  // CheckType accepts both spellings
  d.field("Name", v.name);
  d.field("ScriptArgs", v.script_args);
  d.field("Args", v.script_args);
  d.field("DockerContainerID", v.docker_container_id);
  d.field("Shell", v.shell);
  d.field("Interval", v.interval);
  d.field("Timeout", v.timeout);
  d.field("TTL", v.ttl);
  d.field("HTTP", v.http);
  d.field("Header", v.header);
  d.field("Method", v.method);
  d.field("Body", v.body);
  d.field("DisableRedirects", v.disable_redirects);
  d.field("TCP", v.tcp);
  d.field("TCPUseTLS", v.tcp_use_tls);
  d.field("UDP", v.udp);
  d.field("GRPC", v.grpc);
  d.field("GRPCUseTLS", v.grpc_use_tls);
  d.field("H2PING", v.h2ping);
  d.field("H2PingUseTLS", v.h2ping_use_tls);
  d.field("OSService", v.os_service);
  d.field("AliasNode", v.alias_node);
  d.field("AliasService", v.alias_service);
  d.field("Status", v.status);
  d.field("Notes", v.notes);
  d.field("TLSServerName", v.tls_server_name);
  d.field("TLSSkipVerify", v.tls_skip_verify);
  d.field("SuccessBeforePassing", v.success_before_passing);
  d.field("FailuresBeforeWarning", v.failures_before_warning);
  d.field("FailuresBeforeCritical", v.failures_before_critical);
  d.field("DeregisterCriticalServiceAfter", v.deregister_critical_service_after);
  d.field("OutputMaxSize", v.output_max_size);
}

void from_json(const nlohmann::json& j, AgentServiceCheck& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul
