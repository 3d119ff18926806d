// netns + veth + netem (see delay_link.hpp).
#include "delay_link.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace wslab::bench {

namespace {
bool run(const std::string& cmd, std::string& error) {
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) {
    error = "failed: " + cmd;
    return false;
  }
  return true;
}
}  // namespace

DelayLink::DelayLink(int one_way_ms) {
  std::string id = std::to_string(getpid() % 100000);
  ns_ = "wslabbench" + id;
  host_dev_ = "wbh" + id;
  ns_dev_ = "wbn" + id;
  std::string subnet = "10.231." + std::to_string(getpid() % 250) + ".";
  server_address_ = subnet + "1";
  std::string d = std::to_string(one_way_ms) + "ms";
  std::vector<std::string> cmds = {
      "ip netns add " + ns_,
      "ip link add " + host_dev_ + " type veth peer name " + ns_dev_,
      "ip link set " + ns_dev_ + " netns " + ns_,
      "ip addr add " + server_address_ + "/24 dev " + host_dev_,
      "ip link set " + host_dev_ + " up",
      "ip netns exec " + ns_ + " ip addr add " + subnet + "2/24 dev " + ns_dev_,
      "ip netns exec " + ns_ + " ip link set " + ns_dev_ + " up",
      "ip netns exec " + ns_ + " ip link set lo up",
      "tc qdisc add dev " + host_dev_ + " root netem delay " + d + " limit 100000",
      "ip netns exec " + ns_ + " tc qdisc add dev " + ns_dev_ + " root netem delay " + d +
          " limit 100000",
  };
  for (const auto& c : cmds)
    if (!run(c, error_)) return;
  // Wait for the link to pass traffic (DAD is off for IPv4; give veth a moment).
  usleep(200000);
  ok_ = true;
}

DelayLink::~DelayLink() {
  std::string ignored;
  run("ip link del " + host_dev_, ignored);
  run("ip netns del " + ns_, ignored);
}

bool DelayLink::enter_client_namespace() const {
  int fd = open(("/var/run/netns/" + ns_).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = setns(fd, CLONE_NEWNET) == 0;
  close(fd);
  return ok;
}

}  // namespace wslab::bench
