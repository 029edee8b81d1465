#!/bin/sh
export CATALINA_OPTS="$CATALINA_OPTS -Xmx768m -Dfile.encoding=UTF-8"
