#include "consul/agent_service_registration.hpp"

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

std::vector<AgentServiceCheck> AgentServiceRegistration::all_checks() const {
  std::vector<AgentServiceCheck> out;
  if (check) out.push_back(*check);
  out.insert(out.end(), checks.begin(), checks.end());
  return out;
}

void to_json(nlohmann::json& j, const AgentServiceConnect& v) {
  j = nlohmann::json::object();
  put_omitempty(j, "Native", v.native);
  if (v.sidecar_service) j["SidecarService"] = *v.sidecar_service;
}

void decode_fields(ObjectDecoder& d, AgentServiceConnect& v) {
  d.field("Native", v.native);
  d.field("SidecarService", v.sidecar_service);
}

void from_json(const nlohmann::json& j, AgentServiceConnect& v) { from_json_lenient(j, v); }

void to_json(nlohmann::json& j, const AgentServiceRegistration& v) {
  j = nlohmann::json::object();
  put_omitempty(j, "Kind", v.kind);
  put_omitempty(j, "ID", v.id);
  put_omitempty(j, "Name", v.name);
  put_omitempty(j, "Tags", v.tags);
  put_omitempty(j, "Port", v.port);
  put_omitempty(j, "Address", v.address);
  put_omitempty(j, "SocketPath", v.socket_path);
  put_omitempty(j, "TaggedAddresses", v.tagged_addresses);
  put_omitempty(j, "EnableTagOverride", v.enable_tag_override);
  put_omitempty(j, "Meta", v.meta);
  if (v.weights) j["Weights"] = *v.weights;
  if (v.check) j["Check"] = *v.check;
  put_omitempty(j, "Checks", v.checks);
  if (v.proxy) j["Proxy"] = *v.proxy;
  if (v.connect) j["Connect"] = *v.connect;
  put_omitempty(j, "Namespace", v.namespace_);
  put_omitempty(j, "Partition", v.partition);
}

void decode_fields(ObjectDecoder& d, AgentServiceRegistration& v) {
  d.field("Kind", v.kind);
  d.field("ID", v.id);
  d.field("Name", v.name);
  d.field("Tags", v.tags);
  d.field("Port", v.port);
  d.field("Address", v.address);
  d.field("SocketPath", v.socket_path);
  d.field("TaggedAddresses", v.tagged_addresses);
  d.field("EnableTagOverride", v.enable_tag_override);
  d.field("Meta", v.meta);
  d.field("Weights", v.weights);
  d.field("Check", v.check);
  d.field("Checks", v.checks);
  d.field("Proxy", v.proxy);
  d.field("Connect", v.connect);
  d.field("Token", v.token);
  d.field("Namespace", v.namespace_);
  d.field("Partition", v.partition);
}

void from_json(const nlohmann::json& j, AgentServiceRegistration& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::AgentServiceRegistration);
