#!/bin/bash
echo "ran by bash"
