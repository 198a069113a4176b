#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in for systemd-logind on a private bus, for the flow test.

Usage: fake-logind.py BUS_ADDRESS RECORD_FILE

Owns org.freedesktop.login1 on the bus at BUS_ADDRESS and answers
org.freedesktop.login1.Manager.Reboot: while RECORD_FILE.refuse exists a
call is refused the way polkit refuses (AccessDenied), otherwise it
succeeds. Each call is
appended to RECORD_FILE as "Reboot <interactive> <flags>" before the answer,
so the test sees what the window asked for; SetRebootToBootLoaderEntry is
recorded as "SetRebootToBootLoaderEntry ENTRY" and always succeeds. Prints "ready" once the name is
owned."""

import os
import sys

from gi.repository import Gio, GLib

INTROSPECTION = '''
<node>
  <interface name="org.freedesktop.login1.Manager">
    <method name="Reboot">
      <arg type="b" name="interactive" direction="in"/>
    </method>
    <method name="SetRebootToBootLoaderEntry">
      <arg type="s" name="boot_loader_entry" direction="in"/>
    </method>
  </interface>
</node>
'''


def main():
    address, record = sys.argv[1], sys.argv[2]
    bus = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)

    def on_call(connection, sender, path, interface, method, params, invocation):
        if method == 'SetRebootToBootLoaderEntry':
            with open(record, 'a') as f:
                f.write('SetRebootToBootLoaderEntry %s\n' % params.unpack()[0])
            invocation.return_value(None)
            return
        interactive = params.unpack()[0]
        flags = invocation.get_message().get_flags()
        asks = bool(flags & Gio.DBusMessageFlags.ALLOW_INTERACTIVE_AUTHORIZATION)
        with open(record, 'a') as f:
            f.write('%s interactive=%s allow-interactive-authorization=%s\n'
                    % (method, str(interactive).lower(), str(asks).lower()))
        if os.path.exists(record + '.refuse'):
            invocation.return_dbus_error('org.freedesktop.DBus.Error.AccessDenied',
                                         'Access denied by the test')
        else:
            invocation.return_value(None)

    node = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION)
    bus.register_object('/org/freedesktop/login1', node.interfaces[0], on_call, None, None)
    reply = bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                          'RequestName', GLib.Variant('(su)', ('org.freedesktop.login1', 4)),
                          GLib.VariantType.new('(u)'), Gio.DBusCallFlags.NONE, 5000, None).unpack()[0]
    if reply != 1:
        print('fake-logind: cannot own org.freedesktop.login1 (%d)' % reply, file=sys.stderr)
        return 1
    print('ready', flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
