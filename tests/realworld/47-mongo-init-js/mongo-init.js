db = db.getSiblingDB("events");
db.createCollection("clicks");
db.clicks.createIndex({ at: 1 });
