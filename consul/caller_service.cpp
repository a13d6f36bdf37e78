#include "consul/caller_service.hpp"

namespace gatehouse::consul {

ServiceRef caller_service(const tls::ServiceIdentity& caller) {
  ServiceRef source;
  source.ns = caller.ns;
  source.name = caller.service;
  source.partition = caller.partition == "default" ? std::string{} : caller.partition;
  return source;
}

}  // namespace gatehouse::consul
