#include "consul/authorize.hpp"

#include "consul/object_decoder.hpp"

namespace gatehouse::consul {

void to_json(nlohmann::json& j, const AuthorizeRequest& v) {
  j = nlohmann::json{{"Target", v.target},
                     {"ClientCertURI", v.client_cert_uri},
                     {"ClientCertSerial", v.client_cert_serial}};
}

void decode_fields(ObjectDecoder& d, AuthorizeRequest& v) {
  d.field("Target", v.target);
  d.field("ClientCertURI", v.client_cert_uri);
  d.field("ClientCertSerial", v.client_cert_serial);
}

void from_json(const nlohmann::json& j, AuthorizeRequest& v) { from_json_lenient(j, v); }

void to_json(nlohmann::json& j, const AuthorizeResponse& v) {
  j = nlohmann::json{{"Authorized", v.authorized}, {"Reason", v.reason}};
}

void decode_fields(ObjectDecoder& d, AuthorizeResponse& v) {
  d.field("Authorized", v.authorized);
  d.field("Reason", v.reason);
}

void from_json(const nlohmann::json& j, AuthorizeResponse& v) { from_json_lenient(j, v); }

}  // namespace gatehouse::consul

GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::AuthorizeRequest);
GATEHOUSE_CONSUL_DECODE_JSON(gatehouse::consul::AuthorizeResponse);
