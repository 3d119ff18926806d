/* Entry points of the wslab Wireshark plugin (epan plugin ABI of Wireshark 4.0): the symbols the
 * plugin loader looks up, and the registration of the plugin's two protocols. */
#define WS_BUILD_DLL
#include "wslab_plugin.h"

#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = PLUGIN_VERSION;
/* The loader accepts the plugin only in a Wireshark of exactly this major.minor. */
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void plugin_register(void) {
  static const proto_plugin rooms = {
      .register_protoinfo = proto_register_wslab_rooms,
      .register_handoff = proto_reg_handoff_wslab_rooms,
  };
  static const proto_plugin checks = {
      .register_protoinfo = proto_register_wslab6455,
      .register_handoff = proto_reg_handoff_wslab6455,
  };
  proto_register_plugin(&checks); /* first: it owns the per-connection record rooms.c reads */
  proto_register_plugin(&rooms);
}
