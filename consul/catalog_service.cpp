#include "consul/catalog_service.hpp"

#include "consul/json_encode.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const CatalogService& v) {
  const auto& n = v.node;
  const auto& s = v.service;
  j = nlohmann::json::object();
  j["ID"] = n.id;
  j["Node"] = n.node;
  j["Address"] = n.address;
  j["Datacenter"] = n.datacenter;
  j["TaggedAddresses"] = n.tagged_addresses;
  j["NodeMeta"] = n.meta;
  j["ServiceKind"] = s.kind;
  j["ServiceID"] = s.id;
  j["ServiceName"] = s.service;
  j["ServiceTags"] = s.tags;
  j["ServiceAddress"] = s.address;
  put_omitempty(j, "ServiceTaggedAddresses", s.tagged_addresses);
  j["ServiceWeights"] = s.weights;
  j["ServiceMeta"] = s.meta;
  j["ServicePort"] = s.port;
  j["ServiceSocketPath"] = s.socket_path;
  j["ServiceEnableTagOverride"] = s.enable_tag_override;
  j["ServiceProxy"] = proxy_to_json(s.proxy.value_or(ConnectProxyConfig{}), ProxyShape::catalog);
  nlohmann::json connect = nlohmann::json::object();
  if (s.connect && s.connect->native) connect["Native"] = true;
  j["ServiceConnect"] = std::move(connect);
  j["ServiceLocality"] = nullptr;
  put_omitempty(j, "PeerName", s.peer_name);
  j["CreateIndex"] = s.create_index;
  j["ModifyIndex"] = s.modify_index;
}

}  // namespace gatehouse::consul
