// What every char device of the test server (the vdagent, the webdav port,
// the streaming agent) hands spice-server: an interface with its three hooks,
// and the instance that points at it.
#pragma once

#include <spice.h>

namespace vigil::test_server {

// Fills `interface` and points `instance` at it; `portname` only for subtype "port".
void describe_char_device(SpiceCharDeviceInterface& interface, SpiceCharDeviceInstance& instance,
                          const char* description, const char* subtype, const char* portname,
                          void (*state)(SpiceCharDeviceInstance*, int),
                          int (*write)(SpiceCharDeviceInstance*, const uint8_t*, int),
                          int (*read)(SpiceCharDeviceInstance*, uint8_t*, int));

}  // namespace vigil::test_server
