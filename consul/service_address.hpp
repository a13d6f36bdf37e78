#pragma once
// One entry of a service's TaggedAddresses (`lan`, `wan`, `lan_ipv4`, …).

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace gatehouse::consul {

class ObjectDecoder;

struct ServiceAddress {
  static constexpr std::string_view kGoType = "structs.ServiceAddress";

  std::string address;
  int port = 0;

  friend bool operator==(const ServiceAddress&, const ServiceAddress&) = default;
};

void to_json(nlohmann::json& j, const ServiceAddress& v);
void from_json(const nlohmann::json& j, ServiceAddress& v);
void decode_fields(ObjectDecoder& d, ServiceAddress& v);

}  // namespace gatehouse::consul
