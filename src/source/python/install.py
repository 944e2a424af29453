# pkgr's install step for `-s python`, run by the scratch venv's interpreter (the target's):
# installs ONE wheel into DESTDIR for the system layout with pypa's `installer` (the library
# Debian's pybuild uses), so that every path, shebang and RECORD line is the installed one:
# modules in the lib directory, console and GUI scripts and `.data/scripts` in the bin directory
# with `#!INTERPRETER`, `.data/data` below /usr, `.data/headers` in the interpreter's include
# directory; no byte-code, no direct_url.json. Then it reports the dist-info directory's name and
# the interpreter's PEP 508 marker environment as JSON.
#
# argv: WHEEL DESTDIR CONFIG-JSON REPORT-PATH
#   CONFIG: {"lib": ..., "bin": ..., "data": ..., "interpreter": ...}
import json
import os
import platform
import sys
import sysconfig


def main():
    wheel, destdir, config, report = sys.argv[1:5]
    cfg = json.loads(config)
    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.sources import WheelFile

    with WheelFile.open(wheel) as source:
        validate = getattr(source, "validate_record", None)
        if validate is not None:  # installer >= 0.7
            validate()
        include = "/usr/include/python%s%s" % (
            sysconfig.get_python_version(),
            getattr(sys, "abiflags", ""),
        )
        scheme = {
            "purelib": cfg["lib"],
            "platlib": cfg["lib"],
            "scripts": cfg["bin"],
            "data": cfg["data"],
            "headers": include + "/" + source.distribution,
        }
        destination = SchemeDictionaryDestination(
            scheme,
            interpreter=cfg["interpreter"],
            script_kind="posix",
            bytecode_optimization_levels=[],
            destdir=destdir,
        )
        install(source, destination, {"INSTALLER": b"pkgr\n"})
        dist_info = source.dist_info_dir

    iv = sys.implementation.version
    impl_version = "%d.%d.%d" % (iv.major, iv.minor, iv.micro)
    if iv.releaselevel != "final":
        impl_version += iv.releaselevel[0] + str(iv.serial)
    environment = {
        "implementation_name": sys.implementation.name,
        "implementation_version": impl_version,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }
    with open(report, "w", encoding="utf-8") as f:
        json.dump({"dist_info": dist_info, "environment": environment}, f)


main()
