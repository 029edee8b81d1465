const express = require("express");

const app = express();
app.use(express.json());

const orders = [];

app.get("/healthz", (_req, res) => res.send("ok"));
app.get("/orders", (_req, res) => res.json(orders));
app.post("/orders", (req, res) => {
  const order = { id: orders.length + 1, ...req.body };
  orders.push(order);
  res.status(201).json(order);
});

const port = process.env.PORT || 3000;
app.listen(port, () => console.log(`orders-api listening on ${port}`));
