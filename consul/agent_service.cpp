#include "consul/agent_service.hpp"

#include "consul/json_encode.hpp"
#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const AgentService& v) {
  j = nlohmann::json::object();
  put_omitempty(j, "Kind", v.kind);
  j["ID"] = v.id;
  j["Service"] = v.service;
  j["Tags"] = v.tags;
  j["Meta"] = v.meta;
  j["Port"] = v.port;
  j["Address"] = v.address;
  put_omitempty(j, "SocketPath", v.socket_path);
  put_omitempty(j, "TaggedAddresses", v.tagged_addresses);
  j["Weights"] = v.weights;
  j["EnableTagOverride"] = v.enable_tag_override;
  put_omitempty(j, "CreateIndex", v.create_index);
  put_omitempty(j, "ModifyIndex", v.modify_index);
  put_omitempty(j, "ContentHash", v.content_hash);
  if (v.proxy) j["Proxy"] = proxy_to_json(*v.proxy, ProxyShape::agent);
  if (v.connect) j["Connect"] = *v.connect;
  put_omitempty(j, "PeerName", v.peer_name);
  put_omitempty(j, "Namespace", v.namespace_);
  put_omitempty(j, "Partition", v.partition);
  put_omitempty(j, "Datacenter", v.datacenter);
}

nlohmann::json node_service_to_json(const AgentService& v) {
  nlohmann::json j = nlohmann::json::object();
  put_omitempty(j, "Kind", v.kind);
  j["ID"] = v.id;
  j["Service"] = v.service;
  j["Tags"] = v.tags;
  j["Address"] = v.address;
  put_omitempty(j, "TaggedAddresses", v.tagged_addresses);
  j["Meta"] = v.meta;
  j["Port"] = v.port;
  put_omitempty(j, "SocketPath", v.socket_path);
  j["Weights"] = v.weights;
  j["EnableTagOverride"] = v.enable_tag_override;
  j["Proxy"] = proxy_to_json(v.proxy.value_or(ConnectProxyConfig{}), ProxyShape::catalog);
  nlohmann::json connect = nlohmann::json::object();
  if (v.connect && v.connect->native) connect["Native"] = true;
  j["Connect"] = std::move(connect);
  j["PeerName"] = v.peer_name;
  j["CreateIndex"] = v.create_index;
  j["ModifyIndex"] = v.modify_index;
  return j;
}

void decode_fields(ObjectDecoder& d, AgentService& v) {
  d.field("Kind", v.kind);
  d.field("ID", v.id);
  d.field("Service", v.service);
  d.field("Tags", v.tags);
  d.field("Meta", v.meta);
  d.field("Port", v.port);
  d.field("Address", v.address);
  d.field("SocketPath", v.socket_path);
  d.field("TaggedAddresses", v.tagged_addresses);
  d.field("Weights", v.weights);
  d.field("EnableTagOverride", v.enable_tag_override);
  d.field("CreateIndex", v.create_index);
  d.field("ModifyIndex", v.modify_index);
  d.field("ContentHash", v.content_hash);
  d.field("Proxy", v.proxy);
  d.field("Connect", v.connect);
  d.field("PeerName", v.peer_name);
  d.field("Namespace", v.namespace_);
  d.field("Partition", v.partition);
  d.field("Datacenter", v.datacenter);
}

void from_json(const nlohmann::json& j, AgentService& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::AgentService);
GATEHOUSE_CONSUL_DECODE_JSON(std::map<std::string, gatehouse::consul::AgentService>);
