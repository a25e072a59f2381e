#!/bin/sh
# The buckets of the compose stack (run by the s3-init service, the SeaweedFS image):
#   platforma                 tenant objects, tenants/<tenant_id>/… only (archives, audit trail):
#                             what the tenant purge removes and then counts empty;
#   platforma-event-archive   the Redpanda Connect pipeline's copy of every event, kept apart so
#                             that a late redelivery never re-creates objects under a purged
#                             tenant's prefix (README, "Running in production").
set -eu
for bucket in platforma platforma-event-archive; do
  if echo "s3.bucket.list" | weed shell -master=seaweedfs:9333 | grep -Eq "(^|[[:space:]])$bucket([[:space:]]|$)"; then continue; fi
  echo "s3.bucket.create -name $bucket" | weed shell -master=seaweedfs:9333
done
echo "s3.bucket.list" | weed shell -master=seaweedfs:9333
